// Backups of a line: a consistent copy of its database, taken while calls run, and a manifest next
// to it listing every recording with its SHA-256 (recordings are files; they are copied by whatever
// copies files, and the manifest says whether the copy is whole). Restore puts a database back after
// checking it, and never under a running line.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { backupDatabase, checkDatabaseFile, CURRENT_SCHEMA_VERSION, databasePath, lastHeartbeat, replaceDatabase, type DatabaseCheck } from '../store/backup.ts';

export interface BackupManifest {
  createdAt: string;
  database: { file: string; bytes: number; sha256: string; schemaVersion: number; contactRecords: number };
  /** Every file under recordings/, relative to the data directory. */
  recordings: { path: string; bytes: number; sha256: string }[];
}

/** Why a backup or restore cannot go ahead; every problem is listed. */
export class BackupError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'BackupError';
  }
}

/** A line whose heartbeat is this recent is taken to be running (it beats every 2 s). */
export const RUNNING_HEARTBEAT_MS = 10_000;

export const manifestPathOf = (file: string): string => `${file}.manifest.json`;

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : e.isFile() ? [path] : [];
  }).sort();
}

/** Copies the database to `file` (the line may be running) and writes `<file>.manifest.json`. */
export async function backupLine(dataDir: string, file: string, now: Date): Promise<{ manifest: BackupManifest; manifestFile: string }> {
  const target = resolve(file);
  if (!existsSync(databasePath(dataDir))) throw new BackupError([`${databasePath(dataDir)}: no database to back up`]);
  if (existsSync(target)) throw new BackupError([`${target} exists; a backup never overwrites a file`]);
  const check = await backupDatabase(dataDir, target);
  if (check.integrity.join() !== 'ok') throw new BackupError([`the copy failed its integrity check: ${check.integrity.slice(0, 5).join('; ')}`]);
  const recordings = [];
  for (const path of filesUnder(join(dataDir, 'recordings'))) {
    recordings.push({ path: relative(dataDir, path), bytes: statSync(path).size, sha256: await sha256(path) });
  }
  const manifest: BackupManifest = {
    createdAt: now.toISOString(),
    database: { file: basename(target), bytes: statSync(target).size, sha256: await sha256(target), schemaVersion: check.schemaVersion, contactRecords: check.contactRecords },
    recordings,
  };
  const manifestFile = manifestPathOf(target);
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, manifestFile };
}

export interface RestoreResult {
  restored: DatabaseCheck;
  /** The database that was replaced, kept here. */
  previous: string;
  /** Recordings the manifest lists that are missing or differ in the data directory (empty without a manifest). */
  recordingProblems: string[];
  manifest?: BackupManifest;
}

/** Checks a backup before it may replace the line's database; every problem is listed. */
export function checkBackup(file: string, manifest: BackupManifest | undefined, sha: string | undefined): { check?: DatabaseCheck; problems: string[] } {
  let check: DatabaseCheck;
  try {
    check = checkDatabaseFile(file);
  } catch (err) {
    return { problems: [`${file}: not a database (${(err as Error).message})`] };
  }
  const problems: string[] = [];
  if (check.integrity.join() !== 'ok') problems.push(`integrity check failed: ${check.integrity.slice(0, 5).join('; ')}`);
  if (check.schemaVersion === 0) problems.push('not a chokutsu database (no schema_migrations)');
  if (check.schemaVersion > CURRENT_SCHEMA_VERSION) {
    problems.push(`schema version ${check.schemaVersion} is newer than this chokutsu's (${CURRENT_SCHEMA_VERSION}): restore it with the version that made it`);
  }
  if (manifest && sha !== undefined && manifest.database.sha256 !== sha) problems.push(`the file's SHA-256 is not the one its manifest lists (${manifest.database.sha256})`);
  return { check, problems };
}

/** Puts the backup in `file` back as the line's database. Refuses while the line runs. */
export async function restoreLine(dataDir: string, file: string, now: Date): Promise<RestoreResult> {
  const source = resolve(file);
  if (!existsSync(source)) throw new BackupError([`${source}: no such file`]);
  const manifestFile = manifestPathOf(source);
  const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) as BackupManifest : undefined;
  const { check, problems } = checkBackup(source, manifest, manifest ? await sha256(source) : undefined);
  const running = runningHeartbeat(dataDir, now);
  if (running !== undefined) problems.push(`the line is running (its last heartbeat was ${Math.round(running / 1000)} s ago): stop it first`);
  if (problems.length > 0 || !check) throw new BackupError(problems);
  const previous = `${databasePath(dataDir)}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
  await replaceDatabase(dataDir, source, previous);
  const recordingProblems: string[] = [];
  for (const r of manifest?.recordings ?? []) {
    const path = join(dataDir, r.path);
    if (!existsSync(path)) recordingProblems.push(`${r.path}: missing`);
    else if (statSync(path).size !== r.bytes || await sha256(path) !== r.sha256) recordingProblems.push(`${r.path}: differs from the backup's`);
  }
  return { restored: check, previous, recordingProblems, ...(manifest ? { manifest } : {}) };
}

/** How long ago the line in `dataDir` last beat, when that is recent enough for it to be running. */
function runningHeartbeat(dataDir: string, now: Date): number | undefined {
  if (!existsSync(databasePath(dataDir))) return undefined;
  let beat: number | undefined;
  try {
    beat = lastHeartbeat(databasePath(dataDir));
  } catch {
    return undefined; // a broken database is what a restore is for
  }
  if (beat === undefined) return undefined;
  const age = now.getTime() - beat;
  return Math.abs(age) < RUNNING_HEARTBEAT_MS ? age : undefined;
}
