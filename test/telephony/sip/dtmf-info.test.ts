import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dtmfFromInfo, parseDtmfRelay } from '../../../src/telephony/sip/dtmf-info.ts';

describe('SIP INFO DTMF', () => {
  test('reads application/dtmf-relay bodies, including event codes for * and #', () => {
    assert.deepEqual(parseDtmfRelay('Signal=5\r\nDuration=160\r\n'), { digit: '5', durationMs: 160 });
    assert.deepEqual(parseDtmfRelay('Signal= 11\nDuration= 100'), { digit: '#', durationMs: 100 });
    assert.deepEqual(parseDtmfRelay('Signal=*'), { digit: '*', durationMs: undefined });
    assert.equal(parseDtmfRelay('Signal=Z'), undefined);
  });

  test('ignores a zero or unreadable Duration and takes letters A-D in either case', () => {
    assert.deepEqual(parseDtmfRelay('Signal=d\r\nDuration=0'), { digit: 'D', durationMs: undefined });
    assert.deepEqual(parseDtmfRelay('signal=1\r\nduration=long'), { digit: '1', durationMs: undefined });
    assert.equal(parseDtmfRelay('Duration=160'), undefined);
  });

  test('chooses the format by Content-Type: dtmf-relay fields or a bare application/dtmf digit', () => {
    assert.deepEqual(dtmfFromInfo('Application/DTMF-Relay', 'Signal=9\r\nDuration=250'), { digit: '9', durationMs: 250 });
    assert.deepEqual(dtmfFromInfo('application/dtmf', ' # \r\n'), { digit: '#', durationMs: undefined });
    assert.deepEqual(dtmfFromInfo('application/dtmf', '10'), { digit: '*', durationMs: undefined });
    assert.equal(dtmfFromInfo('application/dtmf', '16'), undefined);
  });

  test('carries nothing for other bodies (a media-control XML INFO, no body)', () => {
    assert.equal(dtmfFromInfo('application/media_control+xml', '<media_control/>'), undefined);
    assert.equal(dtmfFromInfo('', ''), undefined);
  });
});
