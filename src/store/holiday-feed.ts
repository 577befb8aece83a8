// An iCal holiday feed fetched over HTTP and cached on disk; parsing is the calendar's (calendar/ical.ts).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseIcalHolidays } from '../calendar/ical.ts';

/** The part of the Fetch API the feed needs; inject `globalThis.fetch` (with a timeout) in production. */
export type FetchText = (url: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface IcalHolidayFeedOptions {
  url: string;
  cacheFile: string;
  cacheHours: number;
  fetch: FetchText;
  now: () => Date;
  warn: (message: string) => void;
  /**
   * After a failed fetch, wait this long before trying again, so a dead feed costs one fetch (and one
   * warning) per interval instead of delaying every call's holiday check. Default 15.
   */
  retryMinutes?: number;
}

interface CacheFile {
  url: string;
  fetchedAt: string; // ISO 8601
  ics: string;
}

function isCacheFile(value: unknown): value is CacheFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.url === 'string' && typeof v.fetchedAt === 'string' && typeof v.ics === 'string';
}

interface Loaded {
  fetchedAt: number; // epoch ms
  holidays: Map<string, string>;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * An iCal holiday calendar (Google Calendar's Japanese holidays, for example), cached on disk as the raw
 * .ics text plus when it was fetched. Never throws: when the feed cannot be had, callers get the stale
 * copy or `undefined` and fall back to offline data.
 */
export class IcalHolidayFeed {
  private readonly options: IcalHolidayFeedOptions;
  private loaded: Loaded | undefined;
  private diskRead = false;
  private lastFailureAt: number | undefined;
  private inFlight: Promise<Map<string, string> | undefined> | undefined;

  constructor(options: IcalHolidayFeedOptions) {
    this.options = options;
  }

  /** Date (YYYY-MM-DD) → holiday name, or undefined when there is neither a feed nor a cached copy. */
  holidays(): Promise<Map<string, string> | undefined> {
    // Concurrent calls share one refresh, so a slow feed is fetched (and a failure warned about) once.
    this.inFlight ??= this.resolve().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async resolve(): Promise<Map<string, string> | undefined> {
    const now = this.options.now().getTime();
    if (!this.diskRead) {
      this.diskRead = true;
      this.loaded = this.readCache();
    }
    const age = this.loaded === undefined ? undefined : now - this.loaded.fetchedAt;
    // A negative age means the clock went back; refetch rather than trust the copy indefinitely.
    if (age !== undefined && age >= 0 && age < this.options.cacheHours * 3_600_000) return this.loaded?.holidays;
    const retryMs = (this.options.retryMinutes ?? 15) * 60_000;
    if (this.lastFailureAt !== undefined && now >= this.lastFailureAt && now - this.lastFailureAt < retryMs) {
      return this.loaded?.holidays;
    }
    try {
      const fresh = await this.fetchAndStore(now);
      this.loaded = fresh;
      this.lastFailureAt = undefined;
      return fresh.holidays;
    } catch (error) {
      this.lastFailureAt = now;
      const fallback = this.loaded === undefined ? 'no cached copy; using offline holiday data' : 'using the cached copy';
      this.options.warn(`holiday feed ${this.options.url}: ${reason(error)} (${fallback})`);
      return this.loaded?.holidays;
    }
  }

  private async fetchAndStore(now: number): Promise<Loaded> {
    const response = await this.options.fetch(this.options.url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const ics = await response.text();
    const holidays = parseIcalHolidays(ics);
    // An empty calendar would silently turn every holiday into a working day.
    if (holidays.size === 0) throw new Error('the calendar has no all-day events');
    const cache: CacheFile = { url: this.options.url, fetchedAt: new Date(now).toISOString(), ics };
    try {
      mkdirSync(dirname(this.options.cacheFile), { recursive: true });
      const temp = `${this.options.cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(cache));
      renameSync(temp, this.options.cacheFile); // readers never see a half-written file
    } catch (error) {
      // The fetched data is good; only the next restart loses it.
      this.options.warn(`holiday feed ${this.options.url}: cannot write cache ${this.options.cacheFile}: ${reason(error)}`);
    }
    return { fetchedAt: now, holidays };
  }

  private readCache(): Loaded | undefined {
    let text: string;
    try {
      text = readFileSync(this.options.cacheFile, 'utf8');
    } catch {
      return undefined; // no cache yet
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isCacheFile(parsed)) throw new Error('unexpected format');
      if (parsed.url !== this.options.url) return undefined; // a copy of a calendar no longer configured
      const fetchedAt = Date.parse(parsed.fetchedAt);
      if (Number.isNaN(fetchedAt)) throw new Error(`bad fetchedAt "${parsed.fetchedAt}"`);
      return { fetchedAt, holidays: parseIcalHolidays(parsed.ics) };
    } catch (error) {
      this.options.warn(`holiday feed ${this.options.url}: ignoring cache ${this.options.cacheFile}: ${reason(error)}`);
      return undefined;
    }
  }
}
