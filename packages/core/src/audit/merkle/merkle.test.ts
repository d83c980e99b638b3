import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { prng } from '../../test-support/prng.js';
import { CheckpointError, generateCheckpointKey, parseCheckpoint, signCheckpoint, verifyCheckpoint } from './checkpoint.js';
import { consistencyProof, inclusionProof, leafHash, MerkleFrontier, ProofError, rootFromLeafHashes, verifyConsistency, verifyInclusion } from './tree.js';

// Test vectors from the transparency-dev/merkle project (testdata/), Apache-2.0: see test-vectors/.
const VECTORS = fileURLToPath(new URL('./test-vectors', import.meta.url));
const b64 = (s: string | null | undefined) => Buffer.from(s ?? '', 'base64');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => leafHash(Buffer.from(h, 'hex')));

interface InclusionVector { leafIdx: number; treeSize: number; root: string | null; leafHash: string | null; proof: string[] | null; wantErr: boolean }
interface ConsistencyVector { size1: number; size2: number; root1: string | null; root2: string | null; proof: string[] | null; wantErr: boolean }

function cases<T>(kind: string): Array<[string, T]> {
  const out: Array<[string, T]> = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(VECTORS, kind, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.json')) out.push([path, JSON.parse(readFileSync(join(VECTORS, kind, path), 'utf8')) as T]);
    }
  };
  walk('');
  return out;
}

describe('RFC 6962 / 9162 test vectors', () => {
  const inclusion = cases<InclusionVector>('inclusion');
  const consistency = cases<ConsistencyVector>('consistency');

  it('has good and corrupted vectors of both kinds', () => {
    expect(inclusion.filter(([, v]) => !v.wantErr).length).toBeGreaterThan(3);
    expect(inclusion.filter(([, v]) => v.wantErr).length).toBeGreaterThan(20);
    expect(consistency.filter(([, v]) => v.wantErr).length).toBeGreaterThan(20);
  });

  it('accepts every good inclusion proof and rejects every corrupted one', () => {
    for (const [name, v] of inclusion) {
      const run = () => verifyInclusion({ leafIndex: v.leafIdx, treeSize: v.treeSize, leafHash: b64(v.leafHash), proof: (v.proof ?? []).map(b64), root: b64(v.root) });
      if (v.wantErr) expect(run, name).toThrow(ProofError);
      else expect(run, name).not.toThrow();
    }
  });

  it('accepts every good consistency proof and rejects every corrupted one', () => {
    for (const [name, v] of consistency) {
      const run = () => verifyConsistency({ size1: v.size1, size2: v.size2, root1: b64(v.root1), root2: b64(v.root2), proof: (v.proof ?? []).map(b64) });
      if (v.wantErr) expect(run, name).toThrow(ProofError);
      else expect(run, name).not.toThrow();
    }
  });

  it('builds the reference tree and its proofs exactly as the vectors state', () => {
    for (const [name, v] of inclusion.filter(([n, x]) => /^\d\//.test(n) && !x.wantErr)) {
      const leaves = LEAVES.slice(0, v.treeSize);
      expect(rootFromLeafHashes(leaves).toString('base64'), name).toBe(v.root);
      expect(inclusionProof(leaves, v.leafIdx).map((h) => h.toString('base64')), name).toEqual(v.proof ?? []);
    }
    for (const [name, v] of consistency.filter(([n, x]) => /^\d\//.test(n) && !x.wantErr)) {
      const leaves = LEAVES.slice(0, v.size2);
      expect(rootFromLeafHashes(leaves.slice(0, v.size1)).toString('base64'), name).toBe(v.root1);
      expect(consistencyProof(leaves, v.size1).map((h) => h.toString('base64')), name).toEqual(v.proof ?? []);
    }
  });
});

describe('generated trees', () => {
  it('every proof verifies, and any changed bit, index or size fails', () => {
    const random = prng(42);
    for (let size = 1; size <= 300; size += Math.ceil(random() * 7)) {
      const leaves = Array.from({ length: size }, (_, i) => leafHash(Buffer.from(`leaf ${size}/${i}`)));
      const root = rootFromLeafHashes(leaves);
      const index = Math.floor(random() * size);
      const proof = inclusionProof(leaves, index);
      verifyInclusion({ leafIndex: index, treeSize: size, leafHash: leaves[index] as Buffer, proof, root });
      for (let i = 0; i < proof.length; i++) {
        const bad = proof.map((p) => Buffer.from(p));
        const flipped = bad[i] as Buffer;
        const at = Math.floor(random() * 32);
        flipped[at] = (flipped[at] ?? 0) ^ (1 << Math.floor(random() * 8));
        expect(() => verifyInclusion({ leafIndex: index, treeSize: size, leafHash: leaves[index] as Buffer, proof: bad, root })).toThrow(ProofError);
      }
      const badRoot = Buffer.from(root);
      badRoot[0] = (badRoot[0] ?? 0) ^ 1;
      expect(() => verifyInclusion({ leafIndex: index, treeSize: size, leafHash: leaves[index] as Buffer, proof, root: badRoot })).toThrow(ProofError);
      if (size > 1) {
        expect(() => verifyInclusion({ leafIndex: (index + 1) % size, treeSize: size, leafHash: leaves[index] as Buffer, proof, root })).toThrow(ProofError);
      }
      const size1 = 1 + Math.floor(random() * size);
      const root1 = rootFromLeafHashes(leaves.slice(0, size1));
      const consistency = consistencyProof(leaves, size1);
      verifyConsistency({ size1, size2: size, root1, root2: root, proof: consistency });
      for (let i = 0; i < consistency.length; i++) {
        const bad = consistency.map((p) => Buffer.from(p));
        const flipped = bad[i] as Buffer;
        const at = Math.floor(random() * 32);
        flipped[at] = (flipped[at] ?? 0) ^ (1 << Math.floor(random() * 8));
        expect(() => verifyConsistency({ size1, size2: size, root1, root2: root, proof: bad })).toThrow(ProofError);
      }
      if (size1 < size) {
        expect(() => verifyConsistency({ size1: size1 + 1, size2: size, root1, root2: root, proof: consistency })).toThrow(ProofError);
        expect(() => verifyConsistency({ size1, size2: size, root1: root, root2: root1, proof: consistency })).toThrow(ProofError);
      }
    }
  });

  it('the frontier gives the same root as the whole tree at every size, and resumes from JSON', () => {
    const leaves: Buffer[] = [];
    let frontier = new MerkleFrontier();
    expect(frontier.root().toString('hex')).toBe(rootFromLeafHashes([]).toString('hex'));
    for (let i = 0; i < 1000; i++) {
      const leaf = leafHash(Buffer.from(String(i)));
      leaves.push(leaf);
      frontier.append(leaf);
      if (i % 97 === 0) frontier = MerkleFrontier.fromJSON(JSON.parse(JSON.stringify(frontier.toJSON())) as ReturnType<MerkleFrontier['toJSON']>);
      if (i < 70 || i % 37 === 0) expect(frontier.root().equals(rootFromLeafHashes(leaves)), `size ${i + 1}`).toBe(true);
    }
    expect(() => MerkleFrontier.fromJSON({ size: 3, hashes: [] })).toThrow(ProofError);
  });
});

describe('signed checkpoints', () => {
  const key = generateCheckpointKey('casegraph-test');
  const body = { origin: 'casegraph audit log', treeSize: 8, rootHash: rootFromLeafHashes(LEAVES) };

  it('round-trips in the signed-note format', () => {
    const note = signCheckpoint(key, body);
    expect(note).toMatch(/^casegraph audit log\n8\n[A-Za-z0-9+/]{43}=\n\n\u2014 casegraph-test [A-Za-z0-9+/]+=*\n$/);
    expect(key.publicKey).toMatch(/^casegraph-test\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43}[=A-Za-z0-9+/]*$/);
    const verified = verifyCheckpoint(note, key.publicKey);
    expect(verified.treeSize).toBe(8);
    expect(verified.rootHash.equals(body.rootHash)).toBe(true);
  });

  it('refuses a changed size, root, origin or signature, another key, and malformed notes', () => {
    const note = signCheckpoint(key, body);
    const other = generateCheckpointKey('casegraph-test');
    const variants = [
      note.replace('\n8\n', '\n9\n'),
      note.replace('casegraph audit log', 'casegraph audit 1og'),
      note.replace(/\n([A-Za-z0-9+/])/, (_, c: string) => `\n${c === 'A' ? 'B' : 'A'}`),
      note.replace(/ ([A-Za-z0-9+/]{10})/, (_, s: string) => ` ${s.slice(0, 9)}${s[9] === 'A' ? 'B' : 'A'}`),
    ];
    for (const variant of variants) expect(() => verifyCheckpoint(variant, key.publicKey), variant).toThrow(CheckpointError);
    expect(() => verifyCheckpoint(note, other.publicKey)).toThrow(/signature/);
    for (const bad of ['', 'x\n', 'origin\n-1\nAAAA\n\n\u2014 k AAAAAAAA\n', 'origin\n1\nnot base64!\n\n\u2014 k AAAA\n', note.replace(/\n\n.*$/s, '\n\n')]) {
      expect(() => parseCheckpoint(bad), JSON.stringify(bad)).toThrow(CheckpointError);
    }
  });
});
