// Every value in the demo world is a pure function of (seed, stream, index), so any entity can be
// rebuilt on demand and the generator never has to remember what it already wrote.

/** Hashes text to 32 bits (FNV-1a, then avalanched so close strings land far apart). */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return avalanche(h);
}

/** Murmur3's finaliser: spreads every input bit over every output bit. */
function avalanche(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines a seed hash with a stream tag and up to two indices into one 32-bit key. */
export function mixKey(seed: number, stream: number, a: number, b = 0): number {
  // Record indices can pass 2^32 (ids are drawn from n * 4 and larger), so mix in the high part too.
  const aLow = a >>> 0;
  const aHigh = Math.floor(a / 4294967296);
  let h = avalanche(seed ^ Math.imul(stream + 1, 0x9e3779b1));
  h = avalanche(h ^ aLow);
  h = avalanche(h ^ Math.imul(aHigh + 0x632be5ab, 0x27d4eb2f) ^ Math.imul(b + 1, 0x165667b1));
  return h;
}

/** A small, fast generator (mulberry32) for the draws that describe one entity or record. */
export class Rand {
  private state: number;

  constructor(key: number) {
    this.state = key >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

/** (a * b) mod n without leaving the exact range of doubles, for n below 2^36. */
function mulMod(a: number, b: number, n: number): number {
  const high = Math.floor(a / 65536);
  const low = a % 65536;
  return (((high * b) % n) * 65536 + low * b) % n;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function modInverse(a: number, n: number): number {
  let [oldR, r] = [a, n];
  let [oldS, s] = [1, 0];
  while (r !== 0) {
    const q = Math.floor(oldR / r);
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % n) + n) % n;
}

/**
 * A seeded bijection of [0, n) (an affine map), so networks can be defined by index arithmetic
 * and inverted: "the person at rank r" and "the rank of person p" without any lookup table.
 */
export class Shuffle {
  readonly size: number;
  private readonly mult: number;
  private readonly inv: number;
  private readonly offset: number;

  constructor(size: number, key: number) {
    this.size = Math.max(1, Math.floor(size));
    const n = this.size;
    // Start near n/phi so neighbouring indices scatter, then walk to a multiplier coprime with n.
    let mult = (Math.floor(n * 0.6180339887) + (key % 997)) % n;
    if (mult < 1) mult = 1;
    while (gcd(mult, n) !== 1) mult = mult + 1 >= n ? 1 : mult + 1;
    this.mult = mult;
    this.inv = n === 1 ? 0 : modInverse(mult, n);
    this.offset = Math.floor((key / 4294967296) * n) % n;
  }

  /** The image of x (0 <= x < size). */
  forward(x: number): number {
    return (mulMod(this.mult, x, this.size) + this.offset) % this.size;
  }

  /** The x whose image is y. */
  inverse(y: number): number {
    return mulMod(this.inv, (y - this.offset + this.size) % this.size, this.size);
  }
}
