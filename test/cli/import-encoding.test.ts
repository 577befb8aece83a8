// `chokutsu import` reads the file Excel wrote: Shift_JIS (CP932) or UTF-8, and says which.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Encoding from 'encoding-japanese';
import { main } from '../../src/cli/main.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('a Shift_JIS file imports with its names intact, and the output names the encoding', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-sjis-'));
  assert.equal((await run('--data-dir', dir, 'init')).code, 0);
  const text = 'customer_number,name,queue\r\n3001,富士不動産株式会社,project-fuji\r\n3002,ｶﾀｶﾅｼｮｳｼﾞ,general\r\n3003,髙﨑工務店,general\r\n';
  const file = join(dir, 'excel.csv');
  writeFileSync(file, Uint8Array.from(Encoding.convert(Encoding.stringToCode(text), { to: 'SJIS', from: 'UNICODE' })));
  const r = await run('--data-dir', dir, 'import', file);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /imported 3 customers from excel\.csv \(Shift_JIS \(CP932\)\): 3 new/);
  const exported = await run('--data-dir', dir, 'export');
  assert.match(exported.out, /3001,富士不動産株式会社,project-fuji/);
  assert.match(exported.out, /3002,ｶﾀｶﾅｼｮｳｼﾞ,general/);
  assert.match(exported.out, /3003,髙﨑工務店,general/);
});

test('a file in no accepted encoding is refused with the byte offset, and nothing is imported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-sjis-'));
  assert.equal((await run('--data-dir', dir, 'init')).code, 0);
  const file = join(dir, 'broken.csv');
  writeFileSync(file, Buffer.concat([Buffer.from('customer_number,name,queue\n3001,a'), Buffer.from([0xff]), Buffer.from(',general\n')]));
  const r = await run('--data-dir', dir, 'import', file);
  assert.equal(r.code, 1);
  assert.match(r.err, /broken\.csv:2: neither UTF-8 nor Shift_JIS\/CP932: byte 0xFF .*\(byte offset 33\)/);
  assert.match(r.err, /nothing imported/);
});
