import { createHash } from 'node:crypto';

/** Uniform draws in [0, 1) from the given parts: the same parts always give the same draws. */
export type Draws = () => number;

/** A stream of draws seeded by text parts (seed, kind, person id...). */
export function seededDraws(...parts: Array<string | number>): Draws {
  const key = parts.join('\u0000');
  let counter = 0;
  return () => {
    const digest = createHash('sha256').update(`${key}\u0000${counter++}`).digest();
    return digest.readUInt32BE(0) / 2 ** 32;
  };
}

/** One item of a non-empty list, by a draw. */
export function pick<T>(items: readonly T[], draw: Draws): T {
  const item = items[Math.floor(draw() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** The items in an order fixed by the parts: a seeded shuffle, the same on every run. */
export function seededOrder<T>(items: readonly T[], idOf: (item: T) => string, ...parts: Array<string | number>): T[] {
  const rank = (item: T) => createHash('sha256').update([...parts, idOf(item)].join('\u0000')).digest('hex');
  return items
    .map((item) => ({ item, rank: rank(item) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .map((entry) => entry.item);
}
