// MessageReceived's MatchingCriteria (Testing language): Inclusion — the observed message contains
// the expected text — exactly as documented; Similarity — Connect's "semantic matching" — by a
// documented local approximation (docs/flow-language.md): after Unicode NFKC normalisation and with
// whitespace and punctuation removed, inclusion either way, or a character-bigram Dice coefficient
// of at least SIMILARITY_THRESHOLD. No language model runs here.

export type MatchingCriteria = 'Inclusion' | 'Similarity' | { Type?: string };

export const SIMILARITY_THRESHOLD = 0.8;

/** Whether `observed` matches `expected` under the criteria (Similarity when none is given). */
export function textMatches(expected: string, observed: string, criteria?: MatchingCriteria): boolean {
  const type = typeof criteria === 'string' ? criteria : criteria?.Type ?? 'Similarity';
  if (type === 'Inclusion') return observed.includes(expected);
  return similar(expected, observed);
}

export function similar(a: string, b: string): boolean {
  const x = normalize(a);
  const y = normalize(b);
  if (x === '' || y === '') return x === y;
  if (x.includes(y) || y.includes(x)) return true;
  return dice(x, y) >= SIMILARITY_THRESHOLD;
}

function normalize(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
}

/** Sørensen–Dice coefficient over character bigrams. */
export function dice(a: string, b: string): number {
  const grams = (s: string): Map<string, number> => {
    const m = new Map<string, number>();
    const chars = [...s];
    for (let i = 0; i < chars.length - 1; i++) {
      const g = `${chars[i]}${chars[i + 1]}`;
      m.set(g, (m.get(g) ?? 0) + 1);
    }
    return m;
  };
  const ga = grams(a);
  const gb = grams(b);
  let shared = 0;
  let total = 0;
  for (const n of ga.values()) total += n;
  for (const n of gb.values()) total += n;
  for (const [g, n] of ga) shared += Math.min(n, gb.get(g) ?? 0);
  return total === 0 ? 0 : (2 * shared) / total;
}
