// `chokutsu call --to`: the dialled number follows the same rule as a call by SIP.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../src/cli/main.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('chokutsu call --to', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-cli-'));
  const at = '2026-11-24T10:00:00+09:00';

  test('the line\'s number in national form is the same number; the record shows it in E.164', async () => {
    assert.equal((await run('--data-dir', dir, 'init')).code, 0);
    const r = await run('--data-dir', dir, 'call', '--at', at, '--to', '050-123-4567', '--keys', '1003#', '--json');
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).outcome, 'queued');
  });

  test('a number the line does not have is a clear error (exit 2), not the first flow', async () => {
    const unknown = await run('--data-dir', dir, 'call', '--at', at, '--to', '+81399999999', '--keys', '1003#');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /--to: \+81399999999 is not one of the line's numbers \(\+81501234567\)/);
    const word = await run('--data-dir', dir, 'call', '--at', at, '--to', 'service');
    assert.equal(word.code, 2);
    assert.match(word.err, /"service" is not a phone number/);
  });
});
