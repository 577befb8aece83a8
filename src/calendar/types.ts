// Opening hours and closures in Amazon Connect's vocabulary (HoursOfOperationConfig).

export type Weekday = 'MONDAY' | 'TUESDAY' | 'WEDNESDAY' | 'THURSDAY' | 'FRIDAY' | 'SATURDAY' | 'SUNDAY';

/** Connect's HoursOfOperationConfig: one entry per open interval. */
export interface HoursOfOperationConfig {
  Day: Weekday;
  StartTime: { Hours: number; Minutes: number };
  EndTime: { Hours: number; Minutes: number };
}

export interface HoursOfOperation {
  id: string;
  name: string;
  /** IANA time zone; the instance's timeZone when absent. */
  timeZone?: string;
  config: HoursOfOperationConfig[];
}

export interface Closure {
  /** Inclusive local dates: both YYYY-MM-DD (once) or both MM-DD (every year, may span New Year). */
  from: string;
  to: string;
  name: string;
}
