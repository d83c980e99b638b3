import { createHash } from 'node:crypto';

/** A Merkle proof that does not hold, with the check that failed. */
export class ProofError extends Error {
  override name = 'ProofError';
}

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.from([0])).update(data).digest();
}

/** RFC 9162 §2.1.1: the hash of an interior node, SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();
}

/** The root of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/** The largest power of two below n (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over leaf hashes (RFC 9162 §2.1.1). */
export function rootFromLeafHashes(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  const frontier = new MerkleFrontier();
  for (const hash of hashes) frontier.append(hash);
  return frontier.root();
}

function subtreeRoot(hashes: readonly Buffer[], start: number, end: number): Buffer {
  if (end - start === 1) return hashes[start] as Buffer;
  const k = split(end - start);
  return nodeHash(subtreeRoot(hashes, start, start + k), subtreeRoot(hashes, start + k, end));
}

/** PATH(m, D[n]): the inclusion proof of leaf `index` (RFC 9162 §2.1.3.1). */
export function inclusionProof(hashes: readonly Buffer[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= hashes.length) throw new ProofError(`leaf ${index} is not in a tree of ${hashes.length}`);
  const path = (m: number, start: number, end: number): Buffer[] => {
    if (end - start <= 1) return [];
    const k = split(end - start);
    return m < k ? [...path(m, start, start + k), subtreeRoot(hashes, start + k, end)] : [...path(m - k, start + k, end), subtreeRoot(hashes, start, start + k)];
  };
  return path(index, 0, hashes.length);
}

/** PROOF(m, D[n]): the consistency proof between the first `size1` leaves and all (RFC 9162 §2.1.4.1). */
export function consistencyProof(hashes: readonly Buffer[], size1: number): Buffer[] {
  if (!Number.isInteger(size1) || size1 < 0 || size1 > hashes.length) throw new ProofError(`size ${size1} is not within a tree of ${hashes.length}`);
  if (size1 === 0 || size1 === hashes.length) return [];
  const subproof = (m: number, start: number, end: number, complete: boolean): Buffer[] => {
    const n = end - start;
    if (m === n) return complete ? [] : [subtreeRoot(hashes, start, end)];
    const k = split(n);
    return m <= k
      ? [...subproof(m, start, start + k, complete), subtreeRoot(hashes, start + k, end)]
      : [...subproof(m - k, start + k, end, false), subtreeRoot(hashes, start, start + k)];
  };
  return subproof(size1, 0, hashes.length, true);
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function checkHash(name: string, hash: Uint8Array): void {
  if (hash.length !== 32) throw new ProofError(`${name} is ${hash.length} bytes, expected 32`);
}

/** RFC 9162 §2.1.3.2: verifies that `leafHash` is leaf `leafIndex` of the tree of `treeSize` with `root`. */
export function verifyInclusion(input: { leafIndex: number; treeSize: number; leafHash: Uint8Array; proof: readonly Uint8Array[]; root: Uint8Array }): void {
  const { leafIndex, treeSize, proof } = input;
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || treeSize < 0) throw new ProofError('index and size must be whole numbers');
  if (leafIndex >= treeSize) throw new ProofError(`leaf ${leafIndex} is beyond a tree of ${treeSize}`);
  checkHash('the leaf hash', input.leafHash);
  checkHash('the root', input.root);
  proof.forEach((p, i) => checkHash(`proof hash ${i}`, p));
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(input.leafHash);
  for (const p of proof) {
    if (sn === 0) throw new ProofError(`inclusion proof for leaf ${leafIndex} in a tree of ${treeSize} is too long (${proof.length} hashes)`);
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError(`inclusion proof for leaf ${leafIndex} in a tree of ${treeSize} is too short (${proof.length} hashes)`);
  if (!r.equals(Buffer.from(input.root))) throw new ProofError(`root mismatch: computed ${hex(r)}, expected ${hex(input.root)}`);
}

/** RFC 9162 §2.1.4.2: verifies that the tree of `size2` with `root2` extends the tree of `size1` with `root1`. */
export function verifyConsistency(input: { size1: number; size2: number; root1: Uint8Array; root2: Uint8Array; proof: readonly Uint8Array[] }): void {
  const { size1, size2, proof } = input;
  if (!Number.isSafeInteger(size1) || !Number.isSafeInteger(size2) || size1 < 0 || size2 < 0) throw new ProofError('sizes must be whole numbers');
  // Every tree extends the empty one: such a check proves nothing, and is refused as a mistake.
  if (size1 === 0) throw new ProofError(`a consistency check from the empty tree to ${size2} leaves proves nothing`);
  if (size2 < size1) throw new ProofError(`size2 (${size2}) is below size1 (${size1})`);
  const root1 = Buffer.from(input.root1);
  const root2 = Buffer.from(input.root2);
  if (size1 === size2) {
    if (proof.length !== 0) throw new ProofError(`a proof between equal sizes must be empty, got ${proof.length} hashes`);
    if (!root1.equals(root2)) throw new ProofError('equal sizes with different roots');
    return;
  }
  if (proof.length === 0) throw new ProofError('the consistency proof is empty');
  checkHash('root1', input.root1);
  checkHash('root2', input.root2);
  proof.forEach((p, i) => checkHash(`proof hash ${i}`, p));
  let path = proof.map((p) => Buffer.from(p));
  // Step 1: if size1 is a power of two, prepend root1.
  if ((size1 & (size1 - 1)) === 0) path = [root1, ...path];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Buffer;
  let sr = path[0] as Buffer;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError(`consistency proof from ${size1} to ${size2} is too long`);
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofError(`consistency proof from ${size1} to ${size2} is too short`);
  if (!fr.equals(root1)) throw new ProofError(`root1 mismatch: computed ${hex(fr)}, expected ${hex(root1)}`);
  if (!sr.equals(root2)) throw new ProofError(`root2 mismatch: computed ${hex(sr)}, expected ${hex(root2)}`);
}

/** How a frontier is saved: the size and the roots of its perfect subtrees, largest first (base64). */
export interface FrontierJson {
  size: number;
  hashes: string[];
}

/**
 * An append-only Merkle tree that keeps only the roots of its perfect subtrees (at most one per
 * bit of the size), so any number of leaves streams through in O(log n) memory.
 */
export class MerkleFrontier {
  #size = 0;
  /** Roots of perfect subtrees, largest (leftmost) first; their sizes are the set bits of #size. */
  #hashes: Buffer[] = [];

  /** The number of leaves appended. */
  get size(): number {
    return this.#size;
  }

  /** Appends the next leaf hash. */
  append(hash: Buffer): void {
    let carry = hash;
    let size = this.#size;
    // Merge equal-sized subtrees from the right, as binary addition carries.
    while (size % 2 === 1) {
      const left = this.#hashes.pop() as Buffer;
      carry = nodeHash(left, carry);
      size = Math.floor(size / 2);
    }
    this.#hashes.push(carry);
    this.#size += 1;
  }

  /** The root of the tree of all leaves appended so far (RFC 9162 MTH). */
  root(): Buffer {
    if (this.#hashes.length === 0) return EMPTY_ROOT;
    let root = this.#hashes[this.#hashes.length - 1] as Buffer;
    for (let i = this.#hashes.length - 2; i >= 0; i--) root = nodeHash(this.#hashes[i] as Buffer, root);
    return root;
  }

  /** The frontier as JSON, to store and resume. */
  toJSON(): FrontierJson {
    return { size: this.#size, hashes: this.#hashes.map((h) => h.toString('base64')) };
  }

  /** A frontier from its JSON; refuses one whose hashes do not fit its size. */
  static fromJSON(json: FrontierJson): MerkleFrontier {
    const frontier = new MerkleFrontier();
    if (!Number.isSafeInteger(json.size) || json.size < 0 || !Array.isArray(json.hashes)) throw new ProofError('not a Merkle frontier');
    const bits = json.size.toString(2).split('').filter((b) => b === '1').length;
    if (bits !== json.hashes.length) throw new ProofError(`a frontier of ${json.size} leaves has ${bits} subtree roots, not ${json.hashes.length}`);
    frontier.#size = json.size;
    frontier.#hashes = json.hashes.map((h) => Buffer.from(h, 'base64'));
    if (frontier.#hashes.some((h) => h.length !== 32)) throw new ProofError('a frontier hash is not 32 bytes');
    return frontier;
  }
}
