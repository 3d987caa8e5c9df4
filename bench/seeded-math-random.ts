/**
 * A seeded `Math.random` for the duration of a run: the SDK waiters draw their jitter from `Math.random`, so without
 * this two runs of the baseline would not be comparable. The generator is the sandbox's own (mulberry32).
 */
import { createRandomState, SeededRandom } from '../packages/sandbox/src/index.js';

/** Replaces `Math.random` with a PRNG seeded by `seed`; returns the function that restores it. */
export function installSeededMathRandom(seed: number): () => void {
  const real = Math.random;
  const random = new SeededRandom(createRandomState(seed));
  Math.random = () => random.next();
  return () => {
    Math.random = real;
  };
}
