// `chokutsu restore FILE`: puts a backup back as the line's database, once it has passed its checks
// (integrity, schema version, the manifest's checksum) and only while the line is not running.
import type { Command } from 'commander';
import { BackupError, restoreLine } from '../../app/backup.ts';
import type { CliContext } from '../context.ts';

export function registerRestore(program: Command, ctx: CliContext): void {
  program.command('restore')
    .description("replace the line's database with a backup, after checking it (the line must be stopped; the database replaced is kept)")
    .argument('<file>', 'a file made by chokutsu backup')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      try {
        const r = await restoreLine(ctx.dataDir(cmd), file, new Date());
        ctx.io.out(`restored ${r.restored.contactRecords} contact records (schema ${r.restored.schemaVersion}) from ${file}; the database it replaced is ${r.previous}`);
        if (r.manifest) {
          ctx.io.out(`recordings: ${r.manifest.recordings.length - r.recordingProblems.length} of ${r.manifest.recordings.length} as the backup lists them`);
          for (const p of r.recordingProblems) ctx.io.err(`recording ${p}`);
        }
      } catch (err) {
        if (!(err instanceof BackupError)) throw err;
        ctx.io.err(`restore refused:\n  ${err.problems.join('\n  ')}`);
        ctx.exitCode = 1;
      }
    });
}
