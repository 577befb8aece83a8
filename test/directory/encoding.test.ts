// Customer files as Excel and other tools write them in Japan: the encoding is detected, named,
// and a file that is no text in any accepted encoding is refused with the byte offset.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Encoding from 'encoding-japanese';
import { parseCustomersCsvBytes } from '../../src/directory/csv.ts';
import { decodeCsvBytes } from '../../src/directory/encoding.ts';

const TEXT = 'customer_number,name,queue\n1001,富士不動産株式会社,sales\n1002,ｶﾀｶﾅｼｮｳｼﾞ,sales\n1003,髙﨑工務店,support\n';

/** Shift_JIS bytes as encoding-japanese writes them (髙﨑 as the NEC-selected IBM extensions ED/EE). */
function shiftJis(text: string): Uint8Array {
  return Uint8Array.from(Encoding.convert(Encoding.stringToCode(text), { to: 'SJIS', from: 'UNICODE' }));
}

function utf16(text: string, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, littleEndian);
  for (let i = 0; i < text.length; i++) view.setUint16(2 + i * 2, text.charCodeAt(i), littleEndian);
  return out;
}

const concat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('reading a customer file in the encoding it was saved in', () => {
  const cases: [string, Uint8Array, string][] = [
    ['UTF-8 without BOM', new TextEncoder().encode(TEXT), 'UTF-8'],
    ['UTF-8 with BOM (Excel "CSV UTF-8")', concat(Uint8Array.of(0xef, 0xbb, 0xbf), new TextEncoder().encode(TEXT)), 'UTF-8 (BOM)'],
    ['UTF-16LE with BOM', utf16(TEXT, true), 'UTF-16LE (BOM)'],
    ['UTF-16BE with BOM', utf16(TEXT, false), 'UTF-16BE (BOM)'],
    ['Shift_JIS (Excel "CSV")', shiftJis(TEXT), 'Shift_JIS (CP932)'],
  ];
  for (const [what, bytes, encoding] of cases) {
    test(`${what} is read as ${encoding}, names intact`, () => {
      const result = parseCustomersCsvBytes(bytes);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.encoding, encoding);
      assert.deepEqual(result.customers.map((c) => c.name), ['富士不動産株式会社', 'ｶﾀｶﾅｼｮｳｼﾞ', '髙﨑工務店']);
    });
  }

  test('CP932 as Windows writes it: 髙 FB FC and 﨑 FA B1 (IBM extensions), half-width katakana single bytes', () => {
    const bytes = concat(shiftJis('customer_number,name,queue\n1,'), Uint8Array.of(0xfb, 0xfc, 0xfa, 0xb1, 0xb6, 0xc0), shiftJis(',sales\n'));
    const result = parseCustomersCsvBytes(bytes);
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.encoding, 'Shift_JIS (CP932)');
    assert.equal(result.customers[0]?.name, '髙﨑ｶﾀ');
  });

  test('plain ASCII is UTF-8', () => {
    assert.equal(decodeCsvBytes(new TextEncoder().encode('customer_number,name,queue\n')).ok && 'UTF-8', 'UTF-8');
  });

  test('a file valid in no accepted encoding is refused with the byte offset, and its line', () => {
    // 0xFF is never valid in UTF-8 and never in Shift_JIS.
    const bytes = concat(new TextEncoder().encode('customer_number,name,queue\n1,山田'), Uint8Array.of(0xff), new TextEncoder().encode(',sales\n'));
    const result = parseCustomersCsvBytes(bytes);
    assert.equal(result.ok, false);
    const [error] = result.ok ? [] : result.errors;
    assert.equal(error?.offset, 35);
    assert.equal(error?.line, 2);
    assert.match(error?.message ?? '', /neither UTF-8 nor Shift_JIS\/CP932: byte 0xFF .*\(byte offset 35\)/);
  });

  test('a UTF-8 BOM before invalid UTF-8 is refused at the bad byte', () => {
    const decoded = decodeCsvBytes(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61, 0x62, 0xc3));
    assert.deepEqual(decoded.ok ? undefined : decoded.offset, 5);
  });

  test('UTF-16 without a BOM (NUL bytes) is refused, not imported as garbage', () => {
    const bytes = utf16(TEXT, true).subarray(2);
    const decoded = decodeCsvBytes(bytes);
    assert.equal(decoded.ok, false);
    assert.match(decoded.ok ? '' : decoded.message, /NUL/);
  });
});

test('a NUL character in UTF-16 text is refused at its byte offset', () => {
  const decoded = decodeCsvBytes(utf16('ab\u0000c', true));
  assert.deepEqual(decoded.ok ? undefined : decoded.offset, 6);
});
