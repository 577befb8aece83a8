// bench/RESULTS.md holds one `## title` section per benchmark; each benchmark rewrites its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PATH = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const HEADER = '# Benchmark results\n\nFigures from `bench/`, one section per benchmark, rewritten by the benchmark itself.\n\n';

/**
 * Rewrites the `## title` section, leaving the others as they are. A new section goes after the
 * section named `after` when there is one, else at the end.
 */
export function writeResultsSection(title: string, section: string, options: { after?: string } = {}): void {
  const existing = existsSync(PATH) ? readFileSync(PATH, 'utf8') : HEADER;
  const body = `${section.trimEnd()}\n\n`;
  const endOf = (start: number) => {
    const next = existing.indexOf('\n## ', start + 1);
    return next < 0 ? existing.length : next + 1;
  };
  const start = existing.indexOf(`## ${title}\n`);
  const after = options.after === undefined ? -1 : existing.indexOf(`## ${options.after}\n`);
  const updated = start >= 0 ? existing.slice(0, start) + body + existing.slice(endOf(start))
    : after >= 0 ? existing.slice(0, endOf(after)) + body + existing.slice(endOf(after))
    : `${existing.trimEnd()}\n\n${body}`;
  writeFileSync(PATH, `${updated.trimEnd()}\n`);
}
