// One running line per data directory. A second `chokutsu start` on a directory whose line runs
// would take that line's heartbeat for a crash (its live contacts recorded as LINE_CRASH, its
// agents set Offline) and, on another port, run a second line on the same database. The running
// line's pid is kept in DATA/chokutsu.pid; a pid whose process is gone (kill -9, power loss) does
// not hold the directory, so a restart after a crash goes ahead at once.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'chokutsu.pid';

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(readonly dataDir: string, readonly pid: number) {
    super(`another line runs on this data directory (pid ${pid}, ${join(dataDir, LOCK_FILE)}): stop it first, or give this one another data directory`);
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/** Takes the data directory for this process; returns the function that gives it back. */
export function lockDataDir(dataDir: string, pid: number = process.pid): () => void {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(pid)) unlinkSync(file);
        } catch {
          // already gone: nothing to give back
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== pid && running(holder)) throw new DataDirInUseError(dataDir, holder);
      unlinkSync(file); // left by a line that is gone
    }
  }
  // Two starts raced for a stale file and the other one won.
  const holder = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  throw new DataDirInUseError(dataDir, holder);
}
