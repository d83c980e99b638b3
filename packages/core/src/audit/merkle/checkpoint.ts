import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** A checkpoint that is malformed or not signed by the key. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** The body of a checkpoint (C2SP tlog-checkpoint): which log, how many leaves, which root. */
export interface CheckpointBody {
  origin: string;
  treeSize: number;
  rootHash: Buffer;
}

/** A signing key: its name, the private key (PKCS#8 PEM) and the note verifier key string. */
export interface CheckpointKey {
  name: string;
  privateKeyPem: string;
  /** `<name>+<key hash hex>+<base64(0x01 || raw public key)>`, as Go's sumdb note verifiers read. */
  publicKey: string;
}

const ED25519 = 0x01;
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_NAME = /^[^\s+]+$/;

function keyHash(name: string, rawPublicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519]), rawPublicKey]))
    .digest()
    .subarray(0, 4);
}

function rawPublicKey(key: KeyObject): Buffer {
  const der = key.export({ type: 'spki', format: 'der' });
  return der.subarray(der.length - 32);
}

/** A new Ed25519 key for signing checkpoints. */
export function generateCheckpointKey(name: string): CheckpointKey {
  if (!KEY_NAME.test(name)) throw new CheckpointError(`a key name may not contain spaces or "+": ${JSON.stringify(name)}`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return {
    name,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: `${name}+${keyHash(name, raw).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), raw]).toString('base64')}`,
  };
}

function noteBody(body: CheckpointBody): string {
  if (body.origin === '' || body.origin.includes('\n')) throw new CheckpointError('the origin must be one non-empty line');
  if (!Number.isSafeInteger(body.treeSize) || body.treeSize < 0) throw new CheckpointError('the tree size must be a whole number');
  if (body.rootHash.length !== 32) throw new CheckpointError(`the root hash is ${body.rootHash.length} bytes, expected 32`);
  return `${body.origin}\n${body.treeSize}\n${body.rootHash.toString('base64')}\n`;
}

/** Signs a checkpoint: the C2SP signed-note text, body and one signature line. */
export function signCheckpoint(key: Pick<CheckpointKey, 'name' | 'privateKeyPem'>, body: CheckpointBody): string {
  const text = noteBody(body);
  const privateKey = createPrivateKey(key.privateKeyPem);
  const raw = rawPublicKey(createPublicKey(privateKey));
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  return `${text}\n\u2014 ${key.name} ${Buffer.concat([keyHash(key.name, raw), signature]).toString('base64')}\n`;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string, what: string): Buffer {
  if (!BASE64.test(text) || text.length % 4 !== 0) throw new CheckpointError(`${what} is not valid base64`);
  return Buffer.from(text, 'base64');
}

/** Parses a checkpoint note without checking its signatures. */
export function parseCheckpoint(text: string): CheckpointBody & { body: string; signatures: Array<{ keyName: string; keyHash: Buffer; signature: Buffer }> } {
  const split = text.indexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) throw new CheckpointError('not a signed note: no blank line before the signatures, or no final newline');
  const body = text.slice(0, split + 1);
  const lines = body.split('\n').slice(0, -1);
  if (lines.length < 3) throw new CheckpointError('a checkpoint body has an origin, a tree size and a root hash');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === '') throw new CheckpointError('the origin line is empty');
  if (!/^(0|[1-9]\d*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) throw new CheckpointError(`the tree size "${sizeText}" is not a whole number`);
  const rootHash = decodeBase64(rootText, 'the root hash');
  if (rootHash.length !== 32) throw new CheckpointError(`the root hash is ${rootHash.length} bytes, expected 32`);
  const signatures = text
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => {
      const match = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (match === null) throw new CheckpointError(`not a signature line: ${JSON.stringify(line.slice(0, 80))}`);
      const raw = decodeBase64(match[2] as string, 'a signature');
      if (raw.length < 5) throw new CheckpointError('a signature is too short');
      return { keyName: match[1] as string, keyHash: raw.subarray(0, 4), signature: raw.subarray(4) };
    });
  if (signatures.length === 0) throw new CheckpointError('the checkpoint carries no signature');
  return { origin, treeSize: Number(sizeText), rootHash, body, signatures };
}

/** Parses a verifier key string `<name>+<hash>+<base64 key>`. */
function parsePublicKey(text: string): { name: string; hash: Buffer; key: KeyObject } {
  // The key's base64 may itself hold "+": split at the first two only.
  const match = /^([^\s+]+)\+([0-9a-f]{8})\+(\S+)$/.exec(text.trim());
  if (match === null) throw new CheckpointError('the public key is not of the form name+hash+key');
  const [, name, hashHex, keyText] = match as unknown as [string, string, string, string];
  const raw = decodeBase64(keyText, 'the public key');
  if (raw.length !== 33 || raw[0] !== ED25519) throw new CheckpointError('the public key is not an Ed25519 note key');
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw.subarray(1)]), format: 'der', type: 'spki' });
  const hash = keyHash(name, raw.subarray(1));
  if (hash.toString('hex') !== hashHex) throw new CheckpointError('the public key hash does not match its name and key');
  return { name, hash, key };
}

/** Verifies a checkpoint against a public key and returns its body; throws CheckpointError if anything is off. */
export function verifyCheckpoint(text: string, publicKey: string): CheckpointBody {
  const note = parseCheckpoint(text);
  const verifier = parsePublicKey(publicKey);
  const signature = note.signatures.find((s) => s.keyName === verifier.name && s.keyHash.equals(verifier.hash));
  if (signature === undefined) throw new CheckpointError(`the checkpoint carries no signature by ${verifier.name}`);
  if (signature.signature.length !== 64 || !verify(null, Buffer.from(note.body, 'utf8'), verifier.key, signature.signature)) {
    throw new CheckpointError(`the signature by ${verifier.name} does not match the checkpoint`);
  }
  return { origin: note.origin, treeSize: note.treeSize, rootHash: note.rootHash };
}
