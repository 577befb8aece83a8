import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHolidayCheck } from '../../src/functions/holiday-check.ts';
import { context, contactFlowEvent } from './event.ts';

/** A calendar knowing one holiday: 2025-05-05 (Children's Day), by Tokyo date. */
const calendar = {
  asked: [] as Date[],
  async check(at: Date) {
    this.asked.push(at);
    const tokyoDate = new Date(at.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
    return tokyoDate === '2025-05-05' ? { isHoliday: true, name: 'こどもの日' } : { isHoliday: false, name: '' };
  },
};

describe('holiday check', () => {
  test('answers "true" with the holiday name at the injected time', async () => {
    const at = new Date('2025-05-05T01:00:00Z');
    const check = createHolidayCheck({ calendar, now: () => at });
    assert.deepEqual(await check(contactFlowEvent(), context), { isHoliday: 'true', holidayName: 'こどもの日' });
    assert.equal(calendar.asked.at(-1), at);
  });

  test('answers "false" with an empty name on a working day', async () => {
    const check = createHolidayCheck({ calendar, now: () => new Date('2025-05-07T01:00:00Z') });
    assert.deepEqual(await check(contactFlowEvent(), context), { isHoliday: 'false', holidayName: '' });
  });

  test('a calendar failure rejects so the flow takes its error branch', async () => {
    const check = createHolidayCheck({
      calendar: { check: async () => { throw new Error('iCal feed unreachable'); } },
      now: () => new Date('2025-05-07T01:00:00Z'),
    });
    await assert.rejects(check(contactFlowEvent(), context), /iCal feed unreachable/);
  });
});
