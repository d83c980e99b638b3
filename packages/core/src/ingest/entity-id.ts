import { createHash, createHmac } from 'node:crypto';

/**
 * FollowTheMoney's mapping id rule (followthemoney/mapping/entity.py, EntityMapping.compute_key):
 * SHA-1 over the key prefix (the dataset name under `ftm map`), then `key_literal`, then the key
 * values sorted by their UTF-8 bytes with empty ones left out; null when every key is empty.
 * @example makeEntityKey({ keyPrefix: 'ds', keyLiteral: 'person', values: ['b', 'a'] }) // sha1('dspersonab')
 */
export function makeEntityKey(input: { keyPrefix: string | null; keyLiteral: string | null; values: Array<string | null | undefined> }): string | null {
  const digest = createHash('sha1');
  digest.update(keyBytes(input.keyPrefix));
  digest.update(keyBytes(input.keyLiteral));
  // FtM sorts the keys, so reordering `keys:` in a mapping keeps every id.
  const values = input.values.map(keyBytes).filter((bytes) => bytes.length > 0).sort((a, b) => Buffer.compare(a, b));
  if (values.length === 0) return null;
  for (const value of values) digest.update(value);
  return digest.digest('hex');
}

/**
 * Signs an id for a namespace as FtM's Namespace.sign does: `{id}.{hmac-sha1(key=namespace, id)}`,
 * dropping any earlier signature (the part after the last dot, as FtM does even without a namespace).
 */
export function signEntityId(namespace: string | null | undefined, entityId: string): string {
  const plain = stripSignature(entityId);
  const key = keyBytes(namespace ?? null);
  if (key.length === 0) return plain;
  return `${plain}.${createHmac('sha1', key).update(keyBytes(plain)).digest('hex')}`;
}

/** The id without its namespace signature (FtM Namespace.strip): everything before the last dot. */
export function stripSignature(entityId: string): string {
  const dot = entityId.lastIndexOf('.');
  return dot === -1 ? entityId : entityId.slice(0, dot);
}

/** FtM key_bytes: stringify (trim, empty is nothing) then UTF-8. */
function keyBytes(value: string | null | undefined): Buffer {
  if (value === null || value === undefined) return Buffer.alloc(0);
  return Buffer.from(pythonStrip(value), 'utf8');
}

// Python's str.strip() whitespace, which differs from String.prototype.trim() at U+001C-U+001F,
// U+0085 and U+FEFF; ids must hash the same bytes FtM hashes.
const PY_WHITESPACE = '[\\t\\n\\v\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const PY_STRIP = new RegExp(`^${PY_WHITESPACE}+|${PY_WHITESPACE}+$`, 'g');

/** Trims the way FtM's normality.stringify does, so values hash to FtM's ids. */
export function pythonStrip(value: string): string {
  return value.replace(PY_STRIP, '');
}
