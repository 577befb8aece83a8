// `chokutsu backup FILE`: a consistent copy of the line's database, taken while calls run, and
// FILE.manifest.json listing the recordings with their SHA-256.
import type { Command } from 'commander';
import { BackupError, backupLine } from '../../app/backup.ts';
import type { CliContext } from '../context.ts';

export function registerBackup(program: Command, ctx: CliContext): void {
  program.command('backup')
    .description("copy the line's database (safe while the line runs) and list its recordings with their checksums in FILE.manifest.json")
    .argument('<file>', 'where the copy goes (never overwritten)')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      try {
        const { manifest, manifestFile } = await backupLine(ctx.dataDir(cmd), file, new Date());
        const bytes = manifest.recordings.reduce((n, r) => n + r.bytes, 0);
        ctx.io.out(`backed up ${manifest.database.contactRecords} contact records (schema ${manifest.database.schemaVersion}, ${manifest.database.bytes} bytes) to ${file}`);
        ctx.io.out(`${manifest.recordings.length} recordings (${bytes} bytes) listed with their SHA-256 in ${manifestFile}; copy the recordings/ folder alongside`);
      } catch (err) {
        if (!(err instanceof BackupError)) throw err;
        ctx.io.err(`backup: ${err.message}`);
        ctx.exitCode = 1;
      }
    });
}
