import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { japanesePublicHoliday } from '../../src/calendar/holidays.ts';

describe('japanesePublicHoliday', () => {
  test('knows 勤労感謝の日 on 2026-11-23', () => {
    assert.deepEqual(japanesePublicHoliday('2026-11-23'), { name: '勤労感謝の日' });
  });

  test('includes the substitute holiday (振替休日) on 2026-05-06', () => {
    assert.match(japanesePublicHoliday('2026-05-06')?.name ?? '', /振替休日/);
  });

  test("includes the citizens' holiday (国民の休日) on 2026-09-22", () => {
    assert.deepEqual(japanesePublicHoliday('2026-09-22'), { name: '国民の休日' });
  });

  test('the day after 勤労感謝の日 is a working day', () => {
    assert.equal(japanesePublicHoliday('2026-11-24'), undefined);
  });

  test('a string that is not a date is no holiday', () => {
    assert.equal(japanesePublicHoliday('constructor'), undefined);
  });
});
