import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeG711, encodeG711, type G711Law } from '../../../src/telephony/rtp/g711.ts';

const enc = (law: G711Law, s: number) => encodeG711(law, Int16Array.of(s))[0];
const dec = (law: G711Law, b: number) => decodeG711(law, Uint8Array.of(b))[0];

describe('G.711 µ-law (PCMU)', () => {
  test('encodes silence as 0xFF and full scale to the end codes', () => {
    assert.equal(enc('PCMU', 0), 0xff);
    assert.equal(enc('PCMU', 32767), 0x80);
    assert.equal(enc('PCMU', -32768), 0x00);
    assert.equal(enc('PCMU', 1000), 0xce);
    assert.equal(enc('PCMU', -1000), 0x4e);
  });
  test('decodes the ITU reference end points', () => {
    assert.equal(dec('PCMU', 0xff), 0);
    assert.equal(dec('PCMU', 0x7f), 0);
    assert.equal(dec('PCMU', 0x80), 32124);
    assert.equal(dec('PCMU', 0x00), -32124);
    assert.equal(dec('PCMU', 0xce), 988);
  });
  test('every code word survives decode → encode (except negative zero)', () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue;
      assert.equal(enc('PCMU', dec('PCMU', b) ?? 0), b, `byte ${b}`);
    }
  });
});

describe('G.711 A-law (PCMA)', () => {
  test('encodes silence as 0xD5 and full scale to the end codes', () => {
    assert.equal(enc('PCMA', 0), 0xd5);
    assert.equal(enc('PCMA', -1), 0x55);
    assert.equal(enc('PCMA', 32767), 0xaa);
    assert.equal(enc('PCMA', -32768), 0x2a);
  });
  test('decodes the ITU reference end points', () => {
    assert.equal(dec('PCMA', 0xd5), 8);
    assert.equal(dec('PCMA', 0x55), -8);
    assert.equal(dec('PCMA', 0xaa), 32256);
    assert.equal(dec('PCMA', 0x2a), -32256);
  });
  test('every code word survives decode → encode', () => {
    for (let b = 0; b < 256; b++) assert.equal(enc('PCMA', dec('PCMA', b) ?? 0), b, `byte ${b}`);
  });
});

test('a sine round trip through either law stays within the companding error', () => {
  const pcm = new Int16Array(800);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(12000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
  for (const law of ['PCMU', 'PCMA'] as const) {
    const back = decodeG711(law, encodeG711(law, pcm));
    for (let i = 0; i < pcm.length; i++) {
      const original = pcm[i] ?? 0;
      const error = Math.abs((back[i] ?? 0) - original);
      // 8-bit log companding: error under ~3.2% of the magnitude plus the smallest step.
      assert.ok(error <= Math.abs(original) * 0.032 + 16, `${law} sample ${i}: ${original} → ${back[i]}`);
    }
  }
});
