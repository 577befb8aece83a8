// `chokutsu test [FILE|DIR…]`: Amazon Connect test cases (Testing language, "Version": "2025-06-21")
// run against the local line on a virtual clock with no audio. Exit 0 when every case passes.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { VirtualClock } from '../../runtime/text-call.ts';
import { describeEvent } from '../../testing/runner.ts';
import { passed, runTestFiles, testCaseFiles, type FileResult } from '../../testing/suite.ts';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';
import { withLine } from '../with-line.ts';

export function registerTest(program: Command, ctx: CliContext): void {
  program.command('test')
    .description('run Amazon Connect test cases (Testing language) against the local line, on a virtual clock')
    .argument('[paths...]', 'test case files or directories of them', ['tests/connect'])
    .option('--json', 'print the results as JSON')
    .option('--verbose', 'list every event of each case')
    .action(async (paths: string[], opts: { json?: boolean; verbose?: boolean }, cmd: Command) => {
      ctx.exitCode = await runTests(ctx.dataDir(cmd), paths, opts, ctx.io);
    });
}

async function runTests(dataDir: string, paths: string[], opts: { json?: boolean; verbose?: boolean }, io: Io): Promise<number> {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length > 0) {
    io.err(`no such file or directory: ${missing.join(', ')}`);
    return 2;
  }
  const files = testCaseFiles(paths);
  if (files.length === 0) {
    io.err(`no test cases (*.json) in ${paths.join(', ')}`);
    return 2;
  }
  const clock = new VirtualClock(Date.now());
  return withLine(dataDir, io, async (line) => {
    const results = await runTestFiles(files, {
      catalog: line.catalog, functions: line.functions, entryFlow: (dialed) => line.entryFlow(dialed), clock,
    });
    if (opts.json) io.out(JSON.stringify(results.map(jsonOf), null, 2));
    else printText(results, opts.verbose === true, io);
    return results.every(passed) ? 0 : 1;
  }, clock);
}

function jsonOf(r: FileResult): unknown {
  if (r.problems) return { file: r.file, passed: false, problems: r.problems };
  const t = r.result;
  return {
    file: r.file, name: t?.name, passed: t?.passed, ...(t?.failure ? { failure: t.failure } : {}),
    observed: t?.observed, logs: t?.logs, events: t?.events.map(describeEvent),
  };
}

function printText(results: FileResult[], verbose: boolean, io: Io): void {
  for (const r of results) {
    if (r.problems) {
      io.out(`✗ ${r.file}: not a test case`);
      for (const p of r.problems) io.out(`    ${p}`);
      continue;
    }
    const t = r.result;
    if (!t) continue;
    io.out(`${t.passed ? '✓' : '✗'} ${t.name} (${r.file})`);
    if (t.failure) io.out(`    ${t.failure}`);
    for (const log of t.logs) io.out(`    log: ${Object.entries(log).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    if (verbose) for (const e of t.events) io.out(`    · ${describeEvent(e)}`);
  }
  const ok = results.filter(passed).length;
  io.out(`${ok} of ${results.length} test case${results.length === 1 ? '' : 's'} passed`);
}
