/**
 * The sandbox's only source of randomness: mulberry32, a tiny seeded PRNG whose whole state is one
 * 32-bit integer. The state lives in the world, so a saved world continues the same random sequence
 * after it is loaded in another process.
 */

/** The serialisable state of a {@link SeededRandom}. */
export interface RandomState {
  /** The seed the world was created with. */
  seed: number;
  /** The current 32-bit state. */
  state: number;
}

/** Creates the state of a generator seeded with `seed`. */
export function createRandomState(seed: number): RandomState {
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${String(seed)}`);
  return { seed, state: seed >>> 0 };
}

/**
 * The seed of a named stream derived from a world's seed (FNV-1a over the name, mixed with the seed), so each stream
 * draws the same sequence whatever the others consumed.
 */
export function deriveSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * A seeded generator over a {@link RandomState} it mutates in place.
 *
 * @example
 * const random = new SeededRandom(createRandomState(42));
 * random.between(50, 150); // the same value on every run with seed 42
 */
export class SeededRandom {
  constructor(private readonly random: RandomState) {}

  /** A float in [0, 1). */
  next(): number {
    let t = (this.random.state = (this.random.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  between(min: number, max: number): number {
    if (max <= min) return Math.round(min);
    return Math.round(min + this.next() * (max - min));
  }

  /** `true` with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 0x100000000).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  /** A request id shaped like AWS's (a UUID v4 layout). */
  requestId(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
}
