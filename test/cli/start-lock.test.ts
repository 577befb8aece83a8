// One running line per data directory: a second `chokutsu start` on it is refused before it reads
// anything (a live line's heartbeat is not a crash to recover from); a line that is gone does not
// hold the directory.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataDirInUseError, LOCK_FILE, lockDataDir } from '../../src/app/line-lock.ts';
import { freeTcpPort, loadLineDir, ROOT, startLineProcess } from '../faults/line-process.ts';

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((done) => child.once('exit', done));
  return child.pid ?? assert.fail('no pid');
}

test('the data directory lock: held by a live pid, taken over from a dead one, given back on release', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-lock-'));
  try {
    const release = lockDataDir(dir, process.pid);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').trim(), String(process.pid));
    assert.throws(() => lockDataDir(dir, process.pid + 1_000_000), (err: unknown) => err instanceof DataDirInUseError && err.pid === process.pid);
    release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);

    const gone = await deadPid();
    writeFileSync(join(dir, LOCK_FILE), `${gone}\n`); // left by kill -9
    const again = lockDataDir(dir, process.pid);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').trim(), String(process.pid));
    again();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second `chokutsu start` on a running line\'s data directory exits 1 naming the pid, and the running line goes on', { timeout: 120_000 }, async () => {
  const { dir } = await loadLineDir(1, { portMin: 46_600, portMax: 46_619 });
  const line = await startLineProcess(dir);
  try {
    const second = spawnSync(process.execPath, ['bin/chokutsu.mjs', 'start', '--port', String(await freeTcpPort())], {
      cwd: ROOT, env: { ...process.env, CHOKUTSU_DATA_DIR: dir }, encoding: 'utf8', timeout: 60_000,
    });
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`another line runs on this data directory \\(pid ${line.child.pid}`));
    assert.doesNotMatch(second.stderr + second.stdout, /did not stop cleanly|the line is up/);
    assert.equal((await fetch(`${line.url}/healthz`)).status, 200);
  } finally {
    await line.stop();
  }
  assert.equal(existsSync(join(dir, LOCK_FILE)), false, 'a clean stop gives the directory back');
  rmSync(dir, { recursive: true, force: true });
});
