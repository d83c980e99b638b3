import { InvalidArgumentError } from 'commander';

/** "a,b , c" -> ["a", "b", "c"]. */
export function commaList(value: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0) throw new InvalidArgumentError('give at least one value, separated by commas');
  return items;
}

/** A whole number above zero. */
export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a whole number above 0, got "${value}"`);
  }
  return n;
}

/** A TCP port (0 picks a free one). */
export function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n > 65535) throw new InvalidArgumentError(`expected a port number 0-65535, got "${value}"`);
  return n;
}
