// CPU time of another process from Linux /proc: how the benches measure a peer (sipp, the line,
// rtpengine, a relay) without counting themselves.
import { existsSync, readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of every thread of `pid` so far, in ms (NaN once it has exited). */
export function processCpuMs(pid: number | undefined): number {
  const file = `/proc/${pid ?? 'none'}/stat`;
  const stat = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
}
