/**
 * A seeded `Math.random` for the duration of a run: the SDK waiters draw their jitter from `Math.random`, so without
 * this two runs of the baseline would not be comparable.
 */

/** mulberry32: small, fast, good enough for jitter. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Replaces `Math.random` with a PRNG seeded by `seed`; returns the function that restores it. */
export function installSeededMathRandom(seed: number): () => void {
  const real = Math.random;
  Math.random = mulberry32(seed);
  return () => {
    Math.random = real;
  };
}
