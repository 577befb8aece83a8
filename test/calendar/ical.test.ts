import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IcalHolidayFeed } from '../../src/store/holiday-feed.ts';
import { parseIcalHolidays } from '../../src/calendar/ical.ts';
import type { FetchText, IcalHolidayFeedOptions } from '../../src/store/holiday-feed.ts';
import { SAMPLE_ICS } from './sample-ics.ts';


const FEED_URL = 'https://calendar.example/holidays.ics';
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Harness {
  feed: IcalHolidayFeed;
  fetches: string[];
  warnings: string[];
  cacheFile: string;
  clock: { now: Date };
}

function harness(respond: () => Promise<Awaited<ReturnType<FetchText>>>, extra: Partial<IcalHolidayFeedOptions> = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
  const cacheFile = join(dir, 'cache', 'holidays.json');
  const fetches: string[] = [];
  const warnings: string[] = [];
  const clock = { now: new Date('2026-06-01T00:00:00Z') };
  const feed = new IcalHolidayFeed({
    url: FEED_URL,
    cacheFile,
    cacheHours: 24,
    fetch: (url) => {
      fetches.push(url);
      return respond();
    },
    now: () => clock.now,
    warn: (m) => warnings.push(m),
    ...extra,
  });
  dirs.push(dir);
  return { feed, fetches, warnings, cacheFile, clock };
}

const ok = (text: string) => async () => ({ ok: true, status: 200, text: async () => text });
const hoursLater = (h: Harness, hours: number): void => {
  h.clock.now = new Date(h.clock.now.getTime() + hours * 3_600_000);
};

describe('parseIcalHolidays', () => {
  test('maps each all-day event date to its SUMMARY, DTEND exclusive, multi-day events per date', () => {
    assert.deepEqual([...parseIcalHolidays(SAMPLE_ICS)].sort(), [
      ['2026-11-03', '文化の日'],
      ['2026-11-23', '勤労感謝の日'],
      ['2026-12-31', '年末'],
      ['2027-01-01', '年末'],
    ]);
  });

  test('an all-day event without DTEND lasts one day; timed events are not holidays', () => {
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//t//t//EN',
      'BEGIN:VEVENT', 'UID:a', 'DTSTART;VALUE=DATE:20260211', 'SUMMARY:建国記念の日', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b', 'DTSTART:20260212T090000Z', 'DTEND:20260212T100000Z', 'SUMMARY:meeting', 'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    assert.deepEqual([...parseIcalHolidays(ics)], [['2026-02-11', '建国記念の日']]);
  });

  test('throws on text that is not iCalendar', () => {
    assert.throws(() => parseIcalHolidays('<html>Service Unavailable</html>'));
  });
});

describe('IcalHolidayFeed', () => {
  test('fetches once, writes the cache, and serves it while fresh without fetching', async () => {
    const h = harness(ok(SAMPLE_ICS));
    assert.equal((await h.feed.holidays())?.get('2026-11-23'), '勤労感謝の日');
    const cached = JSON.parse(readFileSync(h.cacheFile, 'utf8')) as { url: string; fetchedAt: string; ics: string };
    assert.deepEqual(cached, { url: FEED_URL, fetchedAt: '2026-06-01T00:00:00.000Z', ics: SAMPLE_ICS });

    hoursLater(h, 23);
    assert.equal((await h.feed.holidays())?.get('2026-11-03'), '文化の日');
    assert.deepEqual(h.fetches, [FEED_URL]);
    assert.deepEqual(h.warnings, []);
  });

  test('a fresh cache file from an earlier run is served without fetching', async () => {
    const h = harness(async () => { throw new Error('must not fetch'); });
    mkdirSync(dirname(h.cacheFile), { recursive: true });
    writeFileSync(h.cacheFile, JSON.stringify({ url: FEED_URL, fetchedAt: '2026-05-31T12:00:00.000Z', ics: SAMPLE_ICS }));
    assert.equal((await h.feed.holidays())?.get('2026-11-23'), '勤労感謝の日');
    assert.deepEqual(h.fetches, []);
  });

  test('refetches once the cache is older than cacheHours', async () => {
    let body = SAMPLE_ICS;
    const h = harness(async () => ({ ok: true, status: 200, text: async () => body }));
    await h.feed.holidays();
    body = SAMPLE_ICS.replace('SUMMARY:文化の日', 'SUMMARY:文化の日 (updated)');
    hoursLater(h, 25);
    assert.equal((await h.feed.holidays())?.get('2026-11-03'), '文化の日 (updated)');
    assert.equal(h.fetches.length, 2);
  });

  test('when the refetch fails, serves the stale cache and warns once with the FEED_URL and reason', async () => {
    let failing = false;
    const h = harness(async () => (failing ? { ok: false, status: 503, text: async () => '' } : { ok: true, status: 200, text: async () => SAMPLE_ICS }));
    await h.feed.holidays();
    failing = true;
    hoursLater(h, 25);
    assert.equal((await h.feed.holidays())?.get('2026-11-23'), '勤労感謝の日');
    assert.equal((await h.feed.holidays())?.get('2026-11-23'), '勤労感謝の日');
    assert.equal(h.warnings.length, 1);
    assert.match(h.warnings[0] ?? '', /https:\/\/calendar\.example\/holidays\.ics: HTTP 503 \(using the cached copy\)/);
    // Within the retry interval a dead feed is not hammered on every call.
    assert.equal(h.fetches.length, 2);
  });

  test('retries after the retry interval and recovers', async () => {
    let failing = true;
    const h = harness(async () => {
      if (failing) throw new Error('ECONNREFUSED');
      return { ok: true, status: 200, text: async () => SAMPLE_ICS };
    }, { retryMinutes: 10 });
    assert.equal(await h.feed.holidays(), undefined);
    failing = false;
    hoursLater(h, 0.1); // 6 minutes
    assert.equal(await h.feed.holidays(), undefined);
    hoursLater(h, 0.1);
    assert.equal((await h.feed.holidays())?.get('2026-11-23'), '勤労感謝の日');
    assert.equal(h.fetches.length, 2);
    assert.equal(h.warnings.length, 1);
    assert.match(h.warnings[0] ?? '', /ECONNREFUSED \(no cached copy; using offline holiday data\)/);
  });

  test('a response that is not a calendar is a failure and does not replace the cache', async () => {
    let body = SAMPLE_ICS;
    const h = harness(async () => ({ ok: true, status: 200, text: async () => body }));
    await h.feed.holidays();
    body = '<html>captive portal</html>';
    hoursLater(h, 25);
    assert.equal((await h.feed.holidays())?.get('2026-11-23'), '勤労感謝の日');
    assert.equal(h.warnings.length, 1);
    assert.equal((JSON.parse(readFileSync(h.cacheFile, 'utf8')) as { ics: string }).ics, SAMPLE_ICS);
  });

  test('concurrent lookups share one fetch', async () => {
    const h = harness(ok(SAMPLE_ICS));
    const results = await Promise.all([h.feed.holidays(), h.feed.holidays(), h.feed.holidays()]);
    assert.equal(h.fetches.length, 1);
    for (const r of results) assert.equal(r?.get('2026-11-23'), '勤労感謝の日');
  });
});
