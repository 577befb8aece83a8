// `chokutsu import FILE` and `chokutsu export [FILE]`: customers (number → name → queue) as CSV.
import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Line } from '../../app/line.ts';
import { customersCsvFile, formatCustomersCsv, parseCustomersCsvBytes } from '../../directory/csv.ts';
import { queueRefs } from '../../instance/catalog.ts';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';
import { withLine } from '../with-line.ts';

export function registerCustomers(program: Command, ctx: CliContext): void {
  program.command('import')
    .description('import customers from CSV (customer_number,name,queue); a bad row imports nothing')
    .argument('<file>', 'CSV file')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      ctx.exitCode = await withLine(ctx.dataDir(cmd), ctx.io, async (line) => importCustomers(line, file, ctx.io));
    });

  program.command('export')
    .description('export customers as CSV (to FILE, or standard output)')
    .argument('[file]', 'CSV file to write')
    .action(async (file: string | undefined, _opts: unknown, cmd: Command) => {
      ctx.exitCode = await withLine(ctx.dataDir(cmd), ctx.io, async (line) => exportCustomers(line, file, ctx.io));
    });
}

/** All rows or none: a bad row names its line and column, and nothing is imported. UTF-8, UTF-16 (BOM) or Shift_JIS. */
function importCustomers(line: Line, file: string, io: Io): number {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    io.err(`cannot read ${file}: ${(err as Error).message}`);
    return 1;
  }
  const parsed = parseCustomersCsvBytes(bytes, { knownQueues: queueRefs(line.definition) });
  if (!parsed.ok) {
    if (parsed.encoding) io.err(`${file}: read as ${parsed.encoding}`);
    for (const e of parsed.errors) io.err(`${file}:${e.line}: ${e.column ? `${e.column}: ` : ''}${e.message}`);
    io.err(`nothing imported (${parsed.errors.length} problem${parsed.errors.length === 1 ? '' : 's'})`);
    return 1;
  }
  const { inserted, updated } = line.directory.importAll(parsed.customers, new Date());
  io.out(`imported ${parsed.customers.length} customers from ${basename(file)} (${parsed.encoding ?? 'UTF-8'}): ${inserted} new, ${updated} updated`);
  return 0;
}

function exportCustomers(line: Line, file: string | undefined, io: Io): number {
  if (file) {
    writeFileSync(file, customersCsvFile(line.directory.list()));
    io.out(`exported ${line.directory.count()} customers to ${file}`);
  } else {
    io.out(formatCustomersCsv(line.directory.list()).trimEnd());
  }
  return 0;
}
