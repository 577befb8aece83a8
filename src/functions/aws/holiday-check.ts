// The holiday-check function as deployed to AWS Lambda: the definition's closures and the offline
// Japanese public holidays, at the time of the call. (The iCal feed is local-only: see docs/deploy.md.)
import { HolidayCalendar } from '../../calendar/calendar.ts';
import { createHolidayCheck } from '../holiday-check.ts';
import { ENV, jsonEnv, requiredEnv, type Closure } from './env.ts';
import type { ConnectLambdaHandler } from '../connect-event.ts';

export function holidayCheckFromEnv(env: NodeJS.ProcessEnv, now: () => Date = () => new Date()): ConnectLambdaHandler {
  const closures = jsonEnv<Closure[]>(env, ENV.closures);
  const calendar = new HolidayCalendar({ timeZone: requiredEnv(env, ENV.timeZone), closures: () => closures });
  return createHolidayCheck({ calendar, now });
}

let built: ConnectLambdaHandler | undefined;

/** Lambda's entry point; built on the first call, so importing the module reads no environment. */
export const handler: ConnectLambdaHandler = (event, context) => (built ??= holidayCheckFromEnv(process.env))(event, context);
