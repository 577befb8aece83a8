// What a caller hears while the agent holds: a soft chime phrase that loops (8 kHz PCM), made here so
// the line needs no music file or licence. Silence would make callers think the line dropped.
const RATE = 8000;
// A pentatonic phrase (Hz) and each note's length (s); a rest closes the loop.
const PHRASE: readonly [number, number][] = [[523.25, 0.4], [659.25, 0.4], [783.99, 0.4], [659.25, 0.4], [587.33, 0.8], [0, 1.2]];
const PEAK = 3000;

/** One loop of the hold phrase: each note a sine with a quick attack and an exponential decay. */
export function holdAudio(): Int16Array {
  const total = PHRASE.reduce((n, [, seconds]) => n + Math.round(seconds * RATE), 0);
  const pcm = new Int16Array(total);
  let at = 0;
  for (const [hz, seconds] of PHRASE) {
    const n = Math.round(seconds * RATE);
    for (let i = 0; hz > 0 && i < n; i++) {
      const t = i / RATE;
      const envelope = Math.min(1, t / 0.01) * Math.exp(-3 * t);
      pcm[at + i] = Math.round(PEAK * envelope * Math.sin(2 * Math.PI * hz * t));
    }
    at += n;
  }
  return pcm;
}
