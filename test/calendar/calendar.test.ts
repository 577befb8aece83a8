import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Closure } from '../../src/instance/types.ts';
import { HolidayCalendar } from '../../src/calendar/calendar.ts';
import { IcalHolidayFeed } from '../../src/store/holiday-feed.ts';
import type { FetchText } from '../../src/store/holiday-feed.ts';
import { SAMPLE_ICS } from './sample-ics.ts';

const tokyo = (local: string): Date => new Date(`${local}+09:00`);
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function feedWith(fetch: FetchText, warnings: string[], now: Date): IcalHolidayFeed {
  const dir = mkdtempSync(join(tmpdir(), 'chokutsu-'));
  dirs.push(dir);
  return new IcalHolidayFeed({
    url: 'https://calendar.example/holidays.ics',
    cacheFile: join(dir, 'holidays.json'),
    cacheHours: 24,
    fetch,
    now: () => now,
    warn: (m) => warnings.push(m),
  });
}

describe('HolidayCalendar', () => {
  test('offline data: a public holiday, and a working day', async () => {
    const calendar = new HolidayCalendar({ timeZone: 'Asia/Tokyo', closures: () => [] });
    assert.deepEqual(await calendar.check(tokyo('2026-11-23T10:00:00')), { isHoliday: true, name: '勤労感謝の日', kind: 'public-holiday' });
    assert.deepEqual(await calendar.check(tokyo('2026-11-24T10:00:00')), { isHoliday: false, name: '', kind: 'none' });
  });

  test('checks the local date: 2026-11-22T15:00Z is already 11-23 in Tokyo', async () => {
    const calendar = new HolidayCalendar({ timeZone: 'Asia/Tokyo', closures: () => [] });
    assert.equal((await calendar.check(new Date('2026-11-22T15:00:00Z'))).isHoliday, true);
    assert.equal((await calendar.check(new Date('2026-11-22T14:59:59Z'))).isHoliday, false);
  });

  test('a company closure wins over a public holiday, and edits apply at the next check', async () => {
    let closures: Closure[] = [];
    const calendar = new HolidayCalendar({ timeZone: 'Asia/Tokyo', closures: () => closures });
    assert.equal((await calendar.check(tokyo('2027-01-01T10:00:00'))).kind, 'public-holiday');
    closures = [{ from: '12-29', to: '01-03', name: '年末年始休業' }];
    assert.deepEqual(await calendar.check(tokyo('2027-01-01T10:00:00')), { isHoliday: true, name: '年末年始休業', kind: 'closure' });
    assert.deepEqual(await calendar.check(tokyo('2026-12-30T10:00:00')), { isHoliday: true, name: '年末年始休業', kind: 'closure' });
  });

  test('a working feed decides for the years it covers', async () => {
    const warnings: string[] = [];
    const feed = feedWith(async () => ({ ok: true, status: 200, text: async () => SAMPLE_ICS }), warnings, new Date('2026-06-01T00:00:00Z'));
    const calendar = new HolidayCalendar({ timeZone: 'Asia/Tokyo', closures: () => [], feed });
    assert.deepEqual(await calendar.check(tokyo('2026-11-03T10:00:00')), { isHoliday: true, name: '文化の日', kind: 'feed' });
    assert.deepEqual(await calendar.check(tokyo('2026-12-31T10:00:00')), { isHoliday: true, name: '年末', kind: 'feed' });
    // The sample feed leaves out 2026-09-22; for a year it covers, the feed's word is final.
    assert.deepEqual(await calendar.check(tokyo('2026-09-22T10:00:00')), { isHoliday: false, name: '', kind: 'none' });
    // 2028 is outside the feed, so the offline data still knows 勤労感謝の日.
    assert.equal((await calendar.check(tokyo('2028-11-23T10:00:00'))).kind, 'public-holiday');
    assert.deepEqual(warnings, []);
  });

  test('falls back to the offline data and warns when the feed fails without a cache', async () => {
    const warnings: string[] = [];
    const feed = feedWith(async () => { throw new Error('getaddrinfo ENOTFOUND calendar.example'); }, warnings, new Date('2026-06-01T00:00:00Z'));
    const calendar = new HolidayCalendar({ timeZone: 'Asia/Tokyo', closures: () => [], feed });
    assert.deepEqual(await calendar.check(tokyo('2026-11-23T10:00:00')), { isHoliday: true, name: '勤労感謝の日', kind: 'public-holiday' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /calendar\.example\/holidays\.ics: getaddrinfo ENOTFOUND/);
  });
});
