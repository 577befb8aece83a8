// Splits a CSV file into chunks of at most `rows` records, each with the header, so a big import can
// report progress; a quoted field may hold line breaks, so records are found quote-aware. Each chunk
// maps its own line numbers (as the server reports problems) back to the file's.

export interface CsvChunk {
  text: string;
  rows: number;
  /** The file's line number of the chunk's line `n` (1 is the header). */
  lineOf(n: number): number;
}

export function splitCsv(text: string, rows: number): CsvChunk[] {
  const records: { text: string; line: number }[] = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === '\n') {
      if (!quoted) {
        records.push({ text: text.slice(start, i + 1), line: startLine });
        start = i + 1;
        startLine = line + 1;
      }
      line++;
    }
  }
  if (start < text.length) records.push({ text: text.slice(start), line: startLine });
  const [header, ...body] = records.filter((r) => r.text.trim() !== '');
  if (!header) return [];
  const headerText = header.text.endsWith('\n') ? header.text : `${header.text}\n`;
  const chunks: CsvChunk[] = [];
  for (let i = 0; i < body.length || (i === 0 && body.length === 0); i += rows) {
    const part = body.slice(i, i + rows);
    // Server line numbers count physical lines: a record spanning lines shifts the ones after it.
    const starts: number[] = [];
    let l = 2;
    for (const r of part) {
      starts.push(l);
      l += r.text.split('\n').length - (r.text.endsWith('\n') ? 1 : 0);
    }
    chunks.push({
      text: headerText + part.map((r) => (r.text.endsWith('\n') ? r.text : `${r.text}\n`)).join(''),
      rows: part.length,
      lineOf: (n) => {
        if (n <= 1) return header.line;
        const idx = starts.findLastIndex((s) => s <= n);
        const rec = part[idx];
        return rec ? rec.line + (n - (starts[idx] ?? n)) : n;
      },
    });
    if (body.length === 0) break;
  }
  return chunks;
}
