// What a contact would cost on Amazon Connect, and what a month of them costs next to the self-hosted line.
//
// Billing as Connect does it (per-second billing announced March 2020, see
// https://blog.serverworks.co.jp/tech/2020/03/10/connect_per_second_billing/ and the pricing page
// https://aws.amazon.com/connect/pricing/):
// - telephony (inbound DID minutes) is billed per second after a minimum of one minute;
// - the voice service charge is billed per second with a minimum of 10 seconds.
// Both run over the caller's leg, initiation → disconnect, in whole seconds rounded up.
import type { ContactCost, ContactRecord } from './record.ts';

export type { ContactCost };

export interface Rates {
  currency: 'USD';
  /** Inbound DID per minute (Amazon Connect Japan). */
  inboundPerMinute: number;
  /** Amazon Connect voice service per minute. */
  voiceServicePerMinute: number;
  /** A claimed DID's daily fee, per number (Amazon Connect Japan); default DEFAULT_RATES.didPerDay. */
  didPerDay?: number;
  /** The self-hosted line's fixed monthly cost, for comparison. */
  selfHostedMonthly?: number;
}

/**
 * Amazon Connect, Asia Pacific (Tokyo), Japan DID: voice service 0.018 USD/min (pricing page; also quoted
 * in the blog above) plus inbound DID 0.0056 USD/min, the figure this project's design adopts. Older
 * published figures for the Tokyo DID were 0.003 USD/min — set `rates` in the instance file to override.
 */
export const DEFAULT_RATES: Rates = {
  currency: 'USD',
  inboundPerMinute: 0.0056,
  voiceServicePerMinute: 0.018,
  didPerDay: 0.1,
};

/** Where each default rate comes from; a rate set in the definition is cited as such. */
export const RATE_SOURCES: Record<'inboundPerMinute' | 'voiceServicePerMinute' | 'didPerDay', string> = {
  voiceServicePerMinute: 'Amazon Connect pricing, https://aws.amazon.com/connect/pricing/ (0.018 USD/min, also https://blog.serverworks.co.jp/tech/2020/03/10/connect_per_second_billing/)',
  inboundPerMinute: "this project's design figure for the Japan DID in Tokyo (older published figure: 0.003 USD/min, https://blog.serverworks.co.jp/tech/2020/03/10/connect_per_second_billing/)",
  didPerDay: 'Japan DID number fee 0.10 USD/day as published for Tokyo on 2018-12-15, https://qiita.com/boxboxbax/items/06f24c923c939fa4f77f (check https://aws.amazon.com/connect/pricing/ for the current figure)',
};

/** The rates a report used: every rate filled in, each with where it comes from. */
export interface RatesUsed {
  currency: 'USD';
  inboundPerMinute: number;
  voiceServicePerMinute: number;
  didPerDay: number;
  selfHostedMonthly?: number;
  sources: Record<keyof typeof RATE_SOURCES, string>;
}

export function ratesUsed(rates: Rates): RatesUsed {
  const cite = (key: keyof typeof RATE_SOURCES, value: number | undefined) =>
    value === undefined || value === DEFAULT_RATES[key] ? RATE_SOURCES[key] : `the instance definition (rates.${key})`;
  return {
    currency: rates.currency,
    inboundPerMinute: rates.inboundPerMinute,
    voiceServicePerMinute: rates.voiceServicePerMinute,
    didPerDay: rates.didPerDay ?? (DEFAULT_RATES.didPerDay as number),
    ...(rates.selfHostedMonthly !== undefined ? { selfHostedMonthly: rates.selfHostedMonthly } : {}),
    sources: {
      inboundPerMinute: cite('inboundPerMinute', rates.inboundPerMinute),
      voiceServicePerMinute: cite('voiceServicePerMinute', rates.voiceServicePerMinute),
      didPerDay: cite('didPerDay', rates.didPerDay),
    },
  };
}

export const TELEPHONY_MINIMUM_SECONDS = 60;
export const SERVICE_MINIMUM_SECONDS = 10;

/** Amounts are kept to a millionth of a dollar so sums do not collect floating-point noise. */
function usd(amount: number): number {
  return Math.round(amount * 1e6) / 1e6;
}

/** The caller's leg in whole seconds, rounded up. */
export function billableSeconds(record: Pick<ContactRecord, 'initiationTimestamp' | 'disconnectTimestamp'>): number {
  const ms = Date.parse(record.disconnectTimestamp) - Date.parse(record.initiationTimestamp);
  return Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : 0;
}

export function contactCost(record: Pick<ContactRecord, 'initiationTimestamp' | 'disconnectTimestamp'>, rates: Rates = DEFAULT_RATES): ContactCost {
  const seconds = billableSeconds(record);
  const telephonySeconds = Math.max(TELEPHONY_MINIMUM_SECONDS, seconds);
  const serviceSeconds = Math.max(SERVICE_MINIMUM_SECONDS, seconds);
  return {
    currency: rates.currency,
    amount: usd((telephonySeconds * rates.inboundPerMinute + serviceSeconds * rates.voiceServicePerMinute) / 60),
    billedMinutes: usd(telephonySeconds / 60),
  };
}

/** The byQueue key for contacts that never reached a queue (after hours, holiday, unknown customer …). */
export const NO_QUEUE = '(none)';

export interface QueueCost {
  queueName: string;
  contacts: number;
  billedMinutes: number;
  connectCost: number;
}

export interface MonthlyCost {
  month: string;
  currency: 'USD';
  contacts: number;
  billedMinutes: number;
  /** The per-contact charges (telephony and voice service minutes) of the month's contacts. */
  connectCost: number;
  /** The DIDs' daily fee: days of the month × numbers of the line × rates.didPerDay. */
  numbers: { count: number; days: number; cost: number };
  /** connectCost + numbers.cost: what Amazon Connect would bill for the month. */
  totalCost: number;
  /** The rates used, with their sources. */
  rates: RatesUsed;
  selfHostedMonthly?: number;
  byQueue: Record<string, QueueCost>;
}

export class InvalidMonthError extends Error {
  constructor(readonly month: string) {
    super(`month must be YYYY-MM, got ${JSON.stringify(month)}`);
    this.name = 'InvalidMonthError';
  }
}

/** A billing month (YYYY-MM) as [start, end) in epoch ms, UTC; throws InvalidMonthError. */
export function monthBounds(month: string): { start: number; end: number } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new InvalidMonthError(month);
  return { start: Date.UTC(Number(m[1]), Number(m[2]) - 1, 1), end: Date.UTC(Number(m[1]), Number(m[2]), 1) };
}

/** The DID fee of a month: every day of it, for every number (a number is billed each day it is claimed). */
export function numbersCost(rates: Rates, month: string, count: number): MonthlyCost['numbers'] {
  const { start, end } = monthBounds(month);
  const days = Math.round((end - start) / 86_400_000);
  return { count, days, cost: usd(days * count * (rates.didPerDay ?? (DEFAULT_RATES.didPerDay as number))) };
}

/**
 * The Connect cost of the contacts initiated in `month` (YYYY-MM, UTC: AWS bills by UTC month),
 * recomputed with `rates` so a change of rates applies to past contacts too, plus the daily fee of
 * the line's `phoneNumbers` numbers for every day of the month.
 */
export function monthlyCost(records: Iterable<ContactRecord>, rates: Rates, month: string, phoneNumbers = 0): MonthlyCost {
  const { start, end } = monthBounds(month);
  const numbers = numbersCost(rates, month, phoneNumbers);
  const byQueue: Record<string, QueueCost> = {};
  let contacts = 0;
  let billedMinutes = 0;
  let connectCost = 0;
  for (const record of records) {
    const at = Date.parse(record.initiationTimestamp);
    if (!(at >= start && at < end)) continue;
    const cost = contactCost(record, rates);
    contacts += 1;
    billedMinutes += cost.billedMinutes;
    connectCost += cost.amount;
    const key = record.queue?.id ?? NO_QUEUE;
    const q = byQueue[key] ?? { queueName: record.queue?.name ?? NO_QUEUE, contacts: 0, billedMinutes: 0, connectCost: 0 };
    byQueue[key] = { queueName: q.queueName, contacts: q.contacts + 1, billedMinutes: usd(q.billedMinutes + cost.billedMinutes), connectCost: usd(q.connectCost + cost.amount) };
  }
  return {
    month,
    currency: rates.currency,
    contacts,
    billedMinutes: usd(billedMinutes),
    connectCost: usd(connectCost),
    numbers,
    totalCost: usd(connectCost + numbers.cost),
    rates: ratesUsed(rates),
    ...(rates.selfHostedMonthly !== undefined ? { selfHostedMonthly: rates.selfHostedMonthly } : {}),
    byQueue,
  };
}
