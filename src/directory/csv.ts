import { parse, CsvError } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Customer } from './customers.ts';
import { decodeCsvBytes, type CsvEncoding } from './encoding.ts';

/** A problem with one line of an imported CSV; line 1 is the header. */
export interface CsvRowError {
  line: number;
  column?: string;
  message: string;
  /** The byte offset in the file, for a file that is not text in any accepted encoding. */
  offset?: number;
}

export type CustomersCsvResult = { ok: true; customers: Customer[] } | { ok: false; errors: CsvRowError[] };

/** An imported file: its encoding (when it could be read) with the customers or every problem. */
export type CustomersFileResult = CustomersCsvResult & { encoding?: CsvEncoding };

export class CsvImportError extends Error {
  readonly errors: CsvRowError[];

  constructor(errors: CsvRowError[]) {
    const first = errors[0];
    const summary = first === undefined ? 'invalid CSV' : `line ${first.line}: ${first.message}`;
    super(errors.length > 1 ? `${summary} (and ${errors.length - 1} more)` : summary);
    this.name = 'CsvImportError';
    this.errors = errors;
  }
}

const COLUMNS = ['customer_number', 'name', 'queue'] as const;
type Column = (typeof COLUMNS)[number];
const MAX_CUSTOMER_NUMBER_DIGITS = 20;

/** A parsed record and the 1-based line it starts on. */
interface LocatedRecord {
  line: number;
  fields: string[];
}

/**
 * Splits the text into records, locating each by line. A structurally broken record (unclosed or
 * stray quote) becomes an error on its first line and parsing resumes on the next line, so every
 * later row is still checked.
 */
function readRecords(text: string): { records: LocatedRecord[]; errors: CsvRowError[] } {
  // Normalising line ends first keeps line counting exact (csv-parse counts CRLF inside quotes oddly).
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const records: LocatedRecord[] = [];
  const errors: CsvRowError[] = [];
  let startIndex = 0; // 0-based index into `lines` of the chunk being parsed
  while (startIndex < lines.length) {
    let cursor = startIndex; // 0-based index of the line after the last complete record
    const chunk: LocatedRecord[] = [];
    try {
      parse(lines.slice(startIndex).join('\n'), {
        relax_column_count: true,
        skip_empty_lines: true,
        on_record: (fields, context) => {
          // context.lines is the record's last line; newlines inside quoted fields give its first.
          const spanned = fields.reduce((n, f) => n + (f.match(/\n/g) ?? []).length, 0);
          chunk.push({ line: startIndex + context.lines - spanned, fields });
          cursor = startIndex + context.lines;
          return fields;
        },
      });
      records.push(...chunk);
      break;
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      records.push(...chunk);
      while (cursor < lines.length && lines[cursor] === '') cursor++;
      errors.push({ line: cursor + 1, message: describeCsvError(err) });
      startIndex = cursor + 1;
    }
  }
  // Blank rows (empty lines, or only commas as spreadsheets export them) are skipped.
  return { records: records.filter((r) => r.fields.some((f) => f.trim() !== '')), errors };
}

function describeCsvError(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'unexpected character after a closing quote';
    default:
      return `malformed CSV (${err.code})`;
  }
}

/** Maps header names to field positions, or reports why the header is unusable. */
function readHeader(header: LocatedRecord): { ok: true; index: Record<Column, number> } | { ok: false; errors: CsvRowError[] } {
  const names = header.fields.map((f) => f.trim());
  const errors: CsvRowError[] = [];
  const expected = COLUMNS.join(', ');
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) errors.push({ line: header.line, column: name, message: `column "${name}" appears twice` });
    seen.add(name);
    if (!(COLUMNS as readonly string[]).includes(name)) {
      errors.push({ line: header.line, column: name, message: `unknown column "${name}"; expected columns: ${expected}` });
    }
  }
  for (const column of COLUMNS) {
    if (!names.includes(column)) {
      errors.push({ line: header.line, column, message: `missing column "${column}"; expected columns: ${expected}` });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    index: { customer_number: names.indexOf('customer_number'), name: names.indexOf('name'), queue: names.indexOf('queue') },
  };
}

/**
 * Parses a customer list: header `customer_number,name,queue` in any order, one customer a row.
 * Every problem in the file is reported, each with its line; nothing is returned unless all rows are valid.
 */
export function parseCustomersCsv(text: string, options: { knownQueues?: ReadonlySet<string> } = {}): CustomersCsvResult {
  const { records, errors } = readRecords(text);
  const [header, ...rows] = records;
  if (header === undefined) {
    if (errors.length === 0) errors.push({ line: 1, message: `missing header; expected columns: ${COLUMNS.join(', ')}` });
    return { ok: false, errors };
  }
  // A broken line before the first record was meant to be the header; guessing another would mislead.
  if (errors.some((e) => e.line < header.line)) return { ok: false, errors };
  const headerResult = readHeader(header);
  if (!headerResult.ok) return { ok: false, errors: [...headerResult.errors, ...errors].sort((a, b) => a.line - b.line) };
  const { index } = headerResult;

  const customers: Customer[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    if (row.fields.length !== header.fields.length) {
      errors.push({ line: row.line, message: `expected ${header.fields.length} fields, found ${row.fields.length}` });
      continue;
    }
    const field = (column: Column): string => unneutralised((row.fields[index[column]] ?? '').trim());
    const customerNumber = field('customer_number');
    const name = field('name');
    const queue = field('queue');
    const rowErrors: CsvRowError[] = [];
    if (!/^\d+$/.test(customerNumber)) {
      rowErrors.push({ line: row.line, column: 'customer_number', message: `customer number "${customerNumber}" must be digits only` });
    } else if (customerNumber.length > MAX_CUSTOMER_NUMBER_DIGITS) {
      rowErrors.push({
        line: row.line, column: 'customer_number',
        message: `customer number has ${customerNumber.length} digits; at most ${MAX_CUSTOMER_NUMBER_DIGITS} allowed`,
      });
    } else {
      const earlier = firstLineOf.get(customerNumber);
      if (earlier !== undefined) {
        rowErrors.push({ line: row.line, column: 'customer_number', message: `customer number ${customerNumber} already appears on line ${earlier}` });
      } else {
        firstLineOf.set(customerNumber, row.line);
      }
    }
    if (name === '') rowErrors.push({ line: row.line, column: 'name', message: 'name is empty' });
    if (queue === '') {
      rowErrors.push({ line: row.line, column: 'queue', message: 'queue is empty' });
    } else if (options.knownQueues !== undefined && !options.knownQueues.has(queue)) {
      rowErrors.push({ line: row.line, column: 'queue', message: `unknown queue "${queue}"` });
    }
    if (rowErrors.length > 0) errors.push(...rowErrors);
    else customers.push({ customerNumber, name, queue });
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line) };
  return { ok: true, customers };
}

/**
 * Reads an imported file's bytes: UTF-8 (with or without BOM), UTF-16 with BOM or Shift_JIS/CP932
 * (see encoding.ts), then the rows. A file in none of them is one error with its byte offset.
 */
export function parseCustomersCsvBytes(bytes: Uint8Array, options: { knownQueues?: ReadonlySet<string> } = {}): CustomersFileResult {
  const decoded = decodeCsvBytes(bytes);
  if (!decoded.ok) return { ok: false, errors: [{ line: lineAt(bytes, decoded.offset), offset: decoded.offset, message: decoded.message }] };
  return { ...parseCustomersCsv(decoded.text, options), encoding: decoded.encoding };
}

/** The 1-based line a byte offset falls on (LF is one byte in UTF-8 and Shift_JIS, never part of a character). */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/**
 * OWASP "CSV Injection": a spreadsheet runs a cell that starts with = + - @ (or tab/CR, which
 * some strip first) as a formula. The export prefixes such a cell with an apostrophe, which
 * spreadsheets show as text; a cell that already starts with apostrophes before one of those
 * characters gets one more, so the import can always take exactly one off and keep the real value.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

function neutralised(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function unneutralised(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell) ? cell.slice(1) : cell;
}

/** Writes customers in the import format, so an export can be edited and imported again; formula-like cells are neutralised. */
export function formatCustomersCsv(customers: Customer[]): string {
  return stringify(
    customers.map((c) => [c.customerNumber, c.name, c.queue].map(neutralised)),
    { header: true, columns: [...COLUMNS] },
  );
}

/**
 * The export as a file to open in Excel: UTF-8 with a byte-order mark, without which Excel in Japan
 * reads the file as Shift_JIS and shows mojibake. The import reads the mark (and Shift_JIS) again.
 */
export function customersCsvFile(customers: Customer[]): string {
  return `\uFEFF${formatCustomersCsv(customers)}`;
}
