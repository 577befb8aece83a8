import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HoursOfOperation, HoursOfOperationConfig, Weekday } from '../../src/instance/types.ts';
import { isWithinHours, validateHours } from '../../src/calendar/hours.ts';
import { localDateTime } from '../../src/calendar/local-time.ts';

const TOKYO = 'Asia/Tokyo';
const tokyo = (local: string): Date => new Date(`${local}+09:00`);

function entry(Day: Weekday, start: string, end: string): HoursOfOperationConfig {
  const [sh, sm] = start.split(':').map(Number) as [number, number];
  const [eh, em] = end.split(':').map(Number) as [number, number];
  return { Day, StartTime: { Hours: sh, Minutes: sm }, EndTime: { Hours: eh, Minutes: em } };
}

function hours(config: HoursOfOperationConfig[], timeZone?: string): HoursOfOperation {
  return { id: 'h', name: 'test hours', config, ...(timeZone === undefined ? {} : { timeZone }) };
}

const weekdays = hours((['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'] as const).map((d) => entry(d, '09:00', '18:00')));

describe('localDateTime', () => {
  test('gives the Tokyo wall clock of a UTC instant', () => {
    assert.deepEqual(localDateTime(new Date('2026-05-31T23:30:00Z'), TOKYO), { date: '2026-06-01', weekday: 'MONDAY', minutes: 8 * 60 + 30 });
  });

  test('reports local midnight as minute 0, not 24:00', () => {
    assert.deepEqual(localDateTime(tokyo('2026-06-02T00:00:00'), TOKYO), { date: '2026-06-02', weekday: 'TUESDAY', minutes: 0 });
  });
});

describe('isWithinHours', () => {
  test('is open from 09:00 inclusive on a weekday', () => {
    assert.equal(isWithinHours(weekdays, tokyo('2026-06-01T09:00:00'), TOKYO), true);
    assert.equal(isWithinHours(weekdays, tokyo('2026-06-01T08:59:59'), TOKYO), false);
  });

  test('is still open at 17:59 and closed from 18:00 (end exclusive)', () => {
    assert.equal(isWithinHours(weekdays, tokyo('2026-06-01T17:59:59'), TOKYO), true);
    assert.equal(isWithinHours(weekdays, tokyo('2026-06-01T18:00:00'), TOKYO), false);
  });

  test('is closed on a Saturday with weekday-only hours', () => {
    assert.equal(isWithinHours(weekdays, tokyo('2026-06-06T10:00:00'), TOKYO), false);
  });

  test('uses the Tokyo weekday for an instant that is still Sunday in UTC', () => {
    const early = hours([entry('MONDAY', '08:00', '18:00')]);
    const at = new Date('2026-05-31T23:30:00Z'); // Sunday 23:30 UTC = Monday 08:30 JST
    assert.equal(isWithinHours(early, at, TOKYO), true);
    assert.equal(isWithinHours(early, at, 'UTC'), false);
  });

  test('an interval ending before it starts runs past midnight into the next day', () => {
    const night = hours([entry('FRIDAY', '22:00', '02:00')]);
    assert.equal(isWithinHours(night, tokyo('2026-06-05T21:59:00'), TOKYO), false);
    assert.equal(isWithinHours(night, tokyo('2026-06-05T23:00:00'), TOKYO), true);
    assert.equal(isWithinHours(night, tokyo('2026-06-06T01:59:00'), TOKYO), true);
    assert.equal(isWithinHours(night, tokyo('2026-06-06T02:00:00'), TOKYO), false);
    // Friday night's hours do not open Saturday night.
    assert.equal(isWithinHours(night, tokyo('2026-06-06T23:00:00'), TOKYO), false);
  });

  test("Sunday night's interval continues into Monday morning", () => {
    const night = hours([entry('SUNDAY', '22:00', '02:00')]);
    assert.equal(isWithinHours(night, tokyo('2026-06-01T01:00:00'), TOKYO), true);
  });

  test('an EndTime of 00:00 means the end of the day', () => {
    const late = hours([entry('SATURDAY', '10:00', '00:00')]);
    assert.equal(isWithinHours(late, tokyo('2026-06-06T23:59:00'), TOKYO), true);
    assert.equal(isWithinHours(late, tokyo('2026-06-07T00:00:00'), TOKYO), false);
  });

  test('00:00 to 00:00 is open all day', () => {
    const allDay = hours([entry('WEDNESDAY', '00:00', '00:00')]);
    assert.equal(isWithinHours(allDay, tokyo('2026-06-03T00:00:00'), TOKYO), true);
    assert.equal(isWithinHours(allDay, tokyo('2026-06-03T23:59:00'), TOKYO), true);
    assert.equal(isWithinHours(allDay, tokyo('2026-06-04T00:00:00'), TOKYO), false);
  });

  test("the hours' own time zone overrides the default", () => {
    const newYork = hours([entry('MONDAY', '09:00', '17:00')], 'America/New_York');
    const at = new Date('2026-06-01T13:30:00Z'); // 09:30 EDT, 22:30 JST
    assert.equal(isWithinHours(newYork, at, TOKYO), true);
    assert.equal(isWithinHours({ ...newYork, timeZone: undefined }, at, TOKYO), false);
  });
});

describe('validateHours', () => {
  test('accepts ordinary weekday hours and back-to-back intervals', () => {
    assert.deepEqual(validateHours(weekdays), []);
    assert.deepEqual(validateHours(hours([entry('MONDAY', '09:00', '12:00'), entry('MONDAY', '12:00', '18:00')])), []);
  });

  test('reports an unknown time zone', () => {
    assert.deepEqual(validateHours(hours([entry('MONDAY', '09:00', '18:00')], 'Asia/Tokio')), ['timeZone "Asia/Tokio" is not an IANA time zone']);
  });

  test('reports out-of-range hours and minutes with the entry', () => {
    const problems = validateHours(hours([entry('MONDAY', '24:00', '18:00'), entry('TUESDAY', '09:60', '18:00')]));
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /config\[0\].*StartTime\.Hours must be an integer 0-23, got 24/);
    assert.match(problems[1] ?? '', /config\[1\].*StartTime\.Minutes must be an integer 0-59, got 60/);
  });

  test('reports duplicate and overlapping intervals on the same day', () => {
    const problems = validateHours(hours([
      entry('MONDAY', '09:00', '18:00'),
      entry('MONDAY', '09:00', '18:00'),
      entry('MONDAY', '17:00', '20:00'),
    ]));
    assert.deepEqual(problems, [
      'config[1] (MONDAY 09:00-18:00) duplicates config[0] (MONDAY 09:00-18:00)',
      'config[2] (MONDAY 17:00-20:00) overlaps config[0] (MONDAY 09:00-18:00)',
      'config[2] (MONDAY 17:00-20:00) overlaps config[1] (MONDAY 09:00-18:00)',
    ]);
  });

  test('reports an overnight interval running into the next day’s hours, across the week end', () => {
    const problems = validateHours(hours([entry('SUNDAY', '22:00', '02:00'), entry('MONDAY', '01:00', '03:00')]));
    assert.deepEqual(problems, ['config[1] (MONDAY 01:00-03:00) overlaps config[0] (SUNDAY 22:00-02:00)']);
  });
});
