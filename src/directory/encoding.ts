// Which encoding an imported customer file is in. Excel in Japan saves "CSV" as Shift_JIS
// (Windows code page 932), "CSV UTF-8" with a byte-order mark, "Unicode text" as UTF-16LE with
// one; other tools write UTF-8 without a mark. The decoders are the WHATWG Encoding Standard's
// (Node's TextDecoder with `fatal: true`), whose "Shift_JIS" is CP932 with the NEC and IBM
// extensions (髙 FB FC, 﨑 FA B1, ①…), so nothing is guessed byte by byte here.

/** The encodings an import accepts, as reported back to whoever imported. */
export type CsvEncoding = 'UTF-8' | 'UTF-8 (BOM)' | 'UTF-16LE (BOM)' | 'UTF-16BE (BOM)' | 'Shift_JIS (CP932)';

export type DecodedCsv =
  | { ok: true; text: string; encoding: CsvEncoding }
  | { ok: false; offset: number; message: string };

const BOMS: { bytes: number[]; label: string; encoding: CsvEncoding }[] = [
  { bytes: [0xef, 0xbb, 0xbf], label: 'utf-8', encoding: 'UTF-8 (BOM)' },
  { bytes: [0xff, 0xfe], label: 'utf-16le', encoding: 'UTF-16LE (BOM)' },
  { bytes: [0xfe, 0xff], label: 'utf-16be', encoding: 'UTF-16BE (BOM)' },
];

/**
 * The file's text: a byte-order mark decides; without one, strict UTF-8 is tried first (plain
 * ASCII is UTF-8), then Shift_JIS/CP932. A file valid in neither is refused with the byte offset
 * where it stops being valid (the later of the two, the likelier encoding).
 */
export function decodeCsvBytes(bytes: Uint8Array): DecodedCsv {
  for (const bom of BOMS) {
    if (bom.bytes.every((b, i) => bytes[i] === b)) {
      const body = bytes.subarray(bom.bytes.length);
      const bad = invalidOffset(bom.label, body);
      if (bad !== undefined) return refused(bom.bytes.length + bad, `the file starts with a ${bom.encoding.replace(' (BOM)', '')} byte-order mark but is not valid ${bom.encoding.replace(' (BOM)', '')}`);
      const text = new TextDecoder(bom.label).decode(body);
      // UTF-16 code units are JavaScript's string indexes, two bytes each.
      return checked(text, bom.encoding, (i) => bom.bytes.length + (bom.label === 'utf-8' ? utf8Length(text.slice(0, i)) : 2 * i));
    }
  }
  // Neither UTF-8 nor Shift_JIS text has NUL bytes; UTF-16 without a byte-order mark is full of them.
  const nul = bytes.indexOf(0);
  if (nul >= 0) return refused(nul, 'the file contains a NUL byte (UTF-16 without a byte-order mark, or not a text file)');
  const utf8Bad = invalidOffset('utf-8', bytes);
  if (utf8Bad === undefined) return { ok: true, text: new TextDecoder('utf-8').decode(bytes), encoding: 'UTF-8' };
  const sjisBad = invalidOffset('shift_jis', bytes);
  if (sjisBad === undefined) return { ok: true, text: new TextDecoder('shift_jis').decode(bytes), encoding: 'Shift_JIS (CP932)' };
  const offset = Math.max(utf8Bad, sjisBad);
  const where = utf8Bad === sjisBad ? '' : ` (UTF-8 fails at byte offset ${utf8Bad}, Shift_JIS at ${sjisBad})`;
  return refused(offset, `neither UTF-8 nor Shift_JIS/CP932${where}: byte 0x${hex(bytes[offset])} cannot be read; save the file as "CSV UTF-8" or "CSV"`);
}

const hex = (b: number | undefined): string => (b ?? 0).toString(16).toUpperCase().padStart(2, '0');

/** A NUL character is in no customer's name: the file is not text. */
function checked(text: string, encoding: CsvEncoding, offsetOf: (index: number) => number): DecodedCsv {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return refused(offsetOf(nul), 'the file contains a NUL character (not a text file)');
  return { ok: true, text, encoding };
}

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

function refused(offset: number, message: string): DecodedCsv {
  return { ok: false, offset, message: `${message} (byte offset ${offset})` };
}

/**
 * The offset of the first byte that cannot belong to valid text in `label`, or undefined when
 * all of it is valid. A streaming decoder fails on the shortest invalid prefix and holds an
 * incomplete sequence at the end of a prefix, so the invalid prefixes are exactly those from some
 * length on: a binary search over prefix lengths finds the first (the decoder is the standard's,
 * not a second hand-written one).
 */
function invalidOffset(label: string, bytes: Uint8Array): number | undefined {
  if (decodes(label, bytes, false)) return undefined;
  let lo = 0; // the prefix of length lo decodes (as a stream)
  let hi = bytes.length; // the prefix of length hi does not (or is incomplete at the end)
  if (decodes(label, bytes, true)) return lastSequenceStart(label, bytes); // only the end is incomplete
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (decodes(label, bytes.subarray(0, mid), true)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

function decodes(label: string, bytes: Uint8Array, stream: boolean): boolean {
  try {
    new TextDecoder(label, { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}

/** The file ends in the middle of a character: the offset where that character starts. */
function lastSequenceStart(label: string, bytes: Uint8Array): number {
  let n = bytes.length - 1;
  while (n > 0 && !decodes(label, bytes.subarray(0, n), false)) n--;
  return n;
}
