// Dates, times and durations as the line's people read them: in the instance's time zone (not the
// browser's), in the chosen language.
import { session } from './api.ts';
import { lang } from './i18n.ts';

function zone(): string {
  return session.get()?.instance.timeZone ?? 'Asia/Tokyo';
}

function locale(): string {
  return lang.get() === 'ja' ? 'ja-JP' : 'en-GB';
}

function toDate(t: string | number | Date): Date {
  return t instanceof Date ? t : new Date(t);
}

export function dateTime(t: string | number | Date | undefined): string {
  if (t === undefined) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone: zone(), dateStyle: 'short', timeStyle: 'medium' }).format(toDate(t));
}

export function time(t: string | number | Date | undefined): string {
  if (t === undefined) return '';
  return new Intl.DateTimeFormat(locale(), { timeZone: zone(), timeStyle: 'medium' }).format(toDate(t));
}

/** Seconds as m:ss or h:mm:ss. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)}%`;
}

export function money(amount: number, currency = 'USD'): string {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency, maximumFractionDigits: 4 }).format(amount);
}

/** Epoch ms of a time the API gives (ISO 8601; epoch ms accepted too). */
export function epoch(t: string | number): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

/** The wall-clock parts of an instant in the instance's zone. */
function partsIn(t: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(t));
  const get = (type: string): number => Number(p.find((x) => x.type === type)?.value ?? 0);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** A local date-time in the instance's zone ("2026-11-24T10:00" or "2026-11-24") as an instant. */
export function zonedToEpoch(local: string): number {
  const [date = '', hm = '00:00'] = local.split('T');
  const [y = 0, mo = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, mi = 0] = hm.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at that wall time, found by formatting a guess (twice, for DST edges).
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = partsIn(guess, zone());
    const shown = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
    guess += wall - shown;
  }
  return guess;
}

/** Today's date in the instance's zone, YYYY-MM-DD (optionally `days` later). */
export function localDate(t = Date.now(), days = 0): string {
  const p = partsIn(t, zone());
  return new Date(Date.UTC(p.y, p.mo - 1, p.d + days)).toISOString().slice(0, 10);
}

export function localMonth(t = Date.now()): string {
  return localDate(t).slice(0, 7);
}

/** Now by the line's clock (a test line runs on a virtual one). */
export function serverNow(): number {
  return Date.now() + (session.get()?.clockOffset ?? 0);
}
