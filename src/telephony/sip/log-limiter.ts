// What a peer sends wrong (or too often) is logged, but not at the rate a scanner or a broken device can send it:
// at most `perWindow` lines per source address per window, then a count, reported when the
// source's next window opens. No timers: the time comes with each event.

export interface LogLimiterOptions {
  perWindow: number;
  windowMs: number;
  /** What the summary counts (default "malformed messages"). */
  what?: string;
  /** Sources remembered at once; the oldest are forgotten first. */
  maxSources?: number;
}

interface SourceWindow {
  start: number;
  logged: number;
  suppressed: number;
}

export class LogLimiter {
  private readonly sources = new Map<string, SourceWindow>();

  constructor(private readonly o: LogLimiterOptions) {}

  /** The lines to write for one more event from `source`: `line`, a summary, both, or none. */
  admit(source: string, line: string, now: number): string[] {
    const out: string[] = [];
    let w = this.sources.get(source);
    if (!w || now - w.start >= this.o.windowMs) {
      if (w && w.suppressed > 0) out.push(`sip: ${w.suppressed} more ${this.o.what ?? 'malformed messages'} from ${source} were not logged`);
      this.sources.delete(source);
      w = { start: now, logged: 0, suppressed: 0 };
      this.sources.set(source, w);
      this.forgetOldest();
    }
    if (w.logged >= this.o.perWindow) {
      w.suppressed++;
      return out;
    }
    w.logged++;
    const last = w.logged === this.o.perWindow;
    out.push(last ? `${line} (more from ${source} within ${this.o.windowMs / 1000} s are counted, not logged)` : line);
    return out;
  }

  private forgetOldest(): void {
    const max = this.o.maxSources ?? 1000;
    for (const key of this.sources.keys()) {
      if (this.sources.size <= max) return;
      this.sources.delete(key);
    }
  }
}

/** Bytes as a log can show them: printable ASCII kept, everything else escaped, at most `max` bytes. */
export function excerpt(data: Buffer | string, max = 80): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const shown = printable(bytes.subarray(0, max).toString('latin1'));
  return bytes.length > max ? `${shown}…` : shown;
}

/** Control characters and anything outside printable ASCII escaped (\r, \n, \t, \xNN, \uNNNN). */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]|\\/g, (c) => {
    if (c === '\\') return '\\\\';
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
