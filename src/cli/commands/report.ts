// `chokutsu report cost`: what a month of the line cost.
import type { Command } from 'commander';
import { lineMonthlyCost } from '../../app/cost.ts';
import type { Line } from '../../app/line.ts';
import { InvalidMonthError, type MonthlyCost } from '../../contacts/cost.ts';
import type { CliContext } from '../context.ts';
import type { Io } from '../io.ts';
import { withLine } from '../with-line.ts';

export function registerReport(program: Command, ctx: CliContext): void {
  const report = program.command('report').description('reports');
  report.command('cost')
    .description('what the line cost in a month, per contact minute (Amazon Connect rates) and self-hosted')
    .requiredOption('--month <YYYY-MM>', 'the month, e.g. 2026-11')
    .option('--json', 'print as JSON')
    .action(async (opts: { month: string; json?: boolean }, cmd: Command) => {
      ctx.exitCode = await withLine(ctx.dataDir(cmd), ctx.io, async (line) => reportCost(line, opts.month, opts.json === true, ctx.io));
    });
}

function reportCost(line: Line, month: string, json: boolean, io: Io): number {
  let cost: MonthlyCost;
  try {
    cost = lineMonthlyCost(line, month);
  } catch (err) {
    if (err instanceof InvalidMonthError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  }
  io.out(json ? JSON.stringify(cost, null, 2) : formatCost(cost));
  return 0;
}

function formatCost(c: MonthlyCost): string {
  const usd = (n: number) => `${n.toFixed(4)} ${c.currency}`;
  const lines = [
    `cost report ${c.month}: ${c.contacts} contacts, ${c.billedMinutes} billed minutes`,
    `  on Amazon Connect: ${usd(c.totalCost)}`,
    `    contact minutes: ${usd(c.connectCost)}`,
    `    numbers: ${c.numbers.count} × ${c.numbers.days} days × ${c.rates.didPerDay} ${c.currency}/day = ${usd(c.numbers.cost)}`,
  ];
  if (c.selfHostedMonthly !== undefined) lines.push(`  self-hosted (this machine): ${usd(c.selfHostedMonthly)} a month`);
  for (const q of Object.values(c.byQueue)) lines.push(`  ${q.queueName}: ${q.contacts} contacts, ${q.billedMinutes} min, ${usd(q.connectCost)}`);
  lines.push('rates used:');
  lines.push(`  voice service ${c.rates.voiceServicePerMinute} ${c.currency}/min — ${c.rates.sources.voiceServicePerMinute}`);
  lines.push(`  inbound DID ${c.rates.inboundPerMinute} ${c.currency}/min — ${c.rates.sources.inboundPerMinute}`);
  lines.push(`  DID number ${c.rates.didPerDay} ${c.currency}/day — ${c.rates.sources.didPerDay}`);
  return lines.join('\n');
}
