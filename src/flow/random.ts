// DistributeByPercentage draws from a PRNG kept in the contact state, so a run is reproducible.

export function seedFrom(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A number from 1 to 100, and the next seed. */
export function random1to100(seed: number): [number, number] {
  // mulberry32
  const next = (seed + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  const r = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  return [1 + Math.floor(r * 100), next];
}
