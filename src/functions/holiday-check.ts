import type { ConnectLambdaHandler } from './connect-event.ts';

export interface HolidayCalendar {
  check(at: Date): Promise<{ isHoliday: boolean; name: string }>;
}

/**
 * The holiday-check function: is "now" a public holiday or company closure? `now` is injected so
 * a test call placed at a virtual time gets that time's answer. A calendar failure rejects, which
 * sends the contact down the InvokeLambdaFunction block's error branch.
 */
export function createHolidayCheck(deps: { calendar: HolidayCalendar; now: () => Date }): ConnectLambdaHandler {
  return async () => {
    const { isHoliday, name } = await deps.calendar.check(deps.now());
    return { isHoliday: isHoliday ? 'true' : 'false', holidayName: isHoliday ? name : '' };
  };
}
