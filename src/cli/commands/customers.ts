// `chokutsu import FILE` and `chokutsu export [FILE]`: customers (number → name → queue) as CSV.
import type { Command } from 'commander';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BATCH_SIZE, DynamoDbCustomerDirectory } from '../../functions/dynamodb-customers.ts';
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
    .description('export customers as CSV (to FILE, or standard output), or copy them to DynamoDB (--to dynamodb)')
    .argument('[file]', 'CSV file to write')
    .option('--to <target>', 'csv, or dynamodb: the deployed line\'s customer table', 'csv')
    .option('--table <name>', 'the DynamoDB table (the deploy prints it as CustomerTableName)')
    .option('--endpoint <url>', 'a DynamoDB endpoint other than AWS\'s (tests, DynamoDB Local)')
    .option('--region <region>', 'AWS region (default: AWS_REGION, else the definition\'s awsRegion)')
    .option('--restart', 'copy every customer again instead of resuming an interrupted copy')
    .action(async (file: string | undefined, opts: DynamoExportOptions & { to: string }, cmd: Command) => {
      const dataDir = ctx.dataDir(cmd);
      if (opts.to === 'dynamodb') {
        ctx.exitCode = await withLine(dataDir, ctx.io, async (line) => exportToDynamo(line, dataDir, opts, ctx.io));
      } else if (opts.to === 'csv') {
        ctx.exitCode = await withLine(dataDir, ctx.io, async (line) => exportCustomers(line, file, ctx.io));
      } else {
        ctx.io.err(`--to takes csv or dynamodb, not ${opts.to}`);
        ctx.exitCode = 2;
      }
    });
}

interface DynamoExportOptions {
  table?: string;
  endpoint?: string;
  region?: string;
  restart?: boolean;
}

/**
 * Copies the directory to the deployed DynamoDB table in batches of 25, in the directory's order.
 * A checkpoint (DATA/cache/export-dynamodb-<table>.json) after each batch lets an interrupted copy
 * resume where it stopped; puts replace items, so a batch written twice does no harm.
 */
async function exportToDynamo(line: Line, dataDir: string, opts: DynamoExportOptions, io: Io): Promise<number> {
  if (!opts.table) {
    io.err('--to dynamodb needs --table NAME (the deploy prints it as CustomerTableName)');
    return 2;
  }
  const checkpoint = join(dataDir, 'cache', `export-dynamodb-${opts.table.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  let done = 0;
  if (!opts.restart) {
    try {
      done = (JSON.parse(readFileSync(checkpoint, 'utf8')) as { exported: number }).exported;
    } catch {
      done = 0;
    }
  }
  // The table keeps queue names, as the original's did; a customer's queue may be given by id here.
  const names = new Map(line.definition.queues.flatMap((q) => [[q.id, q.name], [q.name, q.name]] as const));
  const customers = line.directory.list().map((c) => ({ ...c, queue: names.get(c.queue) ?? c.queue }));
  if (done > 0) io.out(`resuming after ${done} of ${customers.length} customers (--restart copies them all again)`);
  const region = opts.region ?? process.env['AWS_REGION'] ?? line.definition.awsRegion ?? 'ap-northeast-1';
  const client = new DynamoDBClient({ region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
  const table = new DynamoDbCustomerDirectory(client, opts.table);
  mkdirSync(join(dataDir, 'cache'), { recursive: true });
  try {
    for (let i = done; i < customers.length; i += BATCH_SIZE) {
      const batch = customers.slice(i, i + BATCH_SIZE);
      await table.putBatch(batch);
      done = i + batch.length;
      writeFileSync(checkpoint, JSON.stringify({ table: opts.table, exported: done }));
      io.out(`${done}/${customers.length} customers copied to ${opts.table}`);
    }
  } catch (err) {
    io.err(`stopped after ${done} of ${customers.length} customers: ${(err as Error).message}`);
    io.err('run the same command again to resume');
    return 1;
  } finally {
    client.destroy();
  }
  rmSync(checkpoint, { force: true });
  io.out(`exported ${customers.length} customers to DynamoDB table ${opts.table}`);
  return 0;
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
