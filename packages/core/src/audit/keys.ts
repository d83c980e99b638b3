import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Invalid } from '../errors.js';
import { generateCheckpointKey } from './merkle/index.js';

/**
 * The deployment's secrets, kept in a file outside the database (mode 0600): the Ed25519 key that
 * signs audit checkpoints, and the key that seals query terms in audit events.
 */
export interface AuditKeys {
  signing: { name: string; privateKeyPem: string; publicKey: string };
  /** AES-256-GCM key, base64. */
  termsKey: string;
}

const FORMAT = 'casegraph-keys/1';

/**
 * Reads the keys file, or creates it (with fresh keys) when it does not exist yet.
 * @example const keys = loadOrCreateKeys('./data/casegraph-keys.json', 'casegraph-demo')
 */
export function loadOrCreateKeys(path: string, name: string): AuditKeys {
  if (!existsSync(path)) {
    const keys: AuditKeys = { signing: generateCheckpointKey(name), termsKey: randomBytes(32).toString('base64') };
    writeFileSync(path, JSON.stringify({ format: FORMAT, ...keys }, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    return keys;
  }
  return readKeys(path);
}

/** Reads an existing keys file; refuses anything that is not one. */
export function readKeys(path: string): AuditKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Invalid(`cannot read the keys file ${path}: ${(error as Error).message}`);
  }
  const keys = parsed as Partial<AuditKeys> & { format?: unknown };
  if (keys.format !== FORMAT || typeof keys.termsKey !== 'string' || typeof keys.signing?.privateKeyPem !== 'string') {
    throw new Invalid(`${path} is not a casegraph keys file`);
  }
  return { signing: keys.signing, termsKey: keys.termsKey };
}

/** Encrypts query terms for the audit log (AES-256-GCM): base64 of nonce, tag and ciphertext. */
export function sealTerms(keys: Pick<AuditKeys, 'termsKey'>, terms: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keys.termsKey, 'base64'), nonce);
  const body = Buffer.concat([cipher.update(terms, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
}

/** Opens sealed query terms; throws when they were altered or sealed with another key. */
export function openTerms(keys: Pick<AuditKeys, 'termsKey'>, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < 28) throw new Invalid('sealed terms are too short to be genuine');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(keys.termsKey, 'base64'), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new Invalid('sealed terms do not open with this key: altered, or sealed by another deployment');
  }
}
