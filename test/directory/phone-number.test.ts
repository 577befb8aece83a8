import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lineNumberFor, toE164 } from '../../src/directory/phone-number.ts';

const e164 = (dialled: string): string => {
  const r = toE164(dialled);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.e164;
};
const reason = (dialled: string): string => {
  const r = toE164(dialled);
  assert.equal(r.ok, false, `${dialled} should not be a number`);
  return r.ok ? '' : r.reason;
};

describe('dialled numbers in E.164', () => {
  test('a Japanese national number and its international forms are the same number', () => {
    for (const d of ['+81501234567', '0501234567', '050-123-4567', '(050) 123 4567', '81501234567', '01081501234567', '+81 50.123.4567']) {
      assert.equal(e164(d), '+81501234567', d);
    }
  });

  test('URI escapes are decoded (a trunk that escapes the +)', () => {
    assert.equal(e164('%2B81501234567'), '+81501234567');
    assert.match(reason('%2G81501234567'), /broken %-escape/);
  });

  test('tel: URIs and phone-context: a +CC context is the country, a domain context is the line\'s own country', () => {
    assert.equal(e164('tel:+81-50-123-4567'), '+81501234567');
    assert.equal(e164('tel:0501234567;phone-context=+81'), '+81501234567');
    assert.equal(e164('0501234567;phone-context=example.co.jp'), '+81501234567');
    assert.equal(e164('2025550123;phone-context=+1'), '+12025550123');
  });

  test('names, service codes and over-long numbers are not numbers; messages show the input escaped', () => {
    assert.match(reason('service'), /"service" is not a phone number/);
    assert.match(reason('*67'), /not a phone number/);
    assert.match(reason('+0123'), /not an E\.164 number/);
    assert.match(reason('+1234567890123456'), /not an E\.164 number/);
    assert.match(reason('ab\u001b[2Jcd'), /"ab\\u001b\[2Jcd"/);
  });
});

describe('the line\'s numbers', () => {
  const line = ['+81501234567', '+81312345678'];

  test('finds the line\'s number however it was dialled', () => {
    assert.deepEqual(lineNumberFor('0312345678', line), { ok: true, number: '+81312345678' });
    assert.deepEqual(lineNumberFor('%2B81501234567', line), { ok: true, number: '+81501234567' });
  });

  test('a number the line does not have, and something that is not a number, are told apart', () => {
    const unknown = lineNumberFor('999', line);
    assert.equal(unknown.ok, false);
    assert.equal(unknown.ok ? '' : unknown.problem, 'not-on-this-line');
    assert.match(unknown.ok ? '' : unknown.message, /\+999 is not one of the line's numbers \(\+81501234567, \+81312345678\)/);
    const word = lineNumberFor('service', line);
    assert.equal(word.ok ? '' : word.problem, 'not-a-number');
  });
});
