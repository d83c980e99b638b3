/** Reviewers' verdicts on pairs of record ids: the same entity, or not. */
export interface PairJudgments {
  positive: Array<[string, string]>;
  negative: Array<[string, string]>;
}

/** A scored pair of record ids; the weight, when given, orders pairs whose probabilities both round to 1. */
export interface ScoredIdPair {
  a: string;
  b: string;
  probability: number;
  weight?: number;
}

// Union-find whose roots also remember the members and the records their cluster must never join.
class Partition {
  private readonly parent: number[];
  private readonly members: number[][];
  private readonly forbidden: Array<Set<number>>;

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
    this.members = Array.from({ length: size }, (_, i) => [i]);
    this.forbidden = Array.from({ length: size }, () => new Set<number>());
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root] ?? root;
    // Path compression keeps later finds near constant time.
    let node = i;
    while (this.parent[node] !== root) {
      const next = this.parent[node] ?? root;
      this.parent[node] = root;
      node = next;
    }
    return root;
  }

  forbid(i: number, j: number): void {
    this.forbidden[this.find(i)]?.add(j);
    this.forbidden[this.find(j)]?.add(i);
  }

  /** Joins the clusters of i and j unless a negative judgment lies between them; true when they are (now) one. */
  union(i: number, j: number): boolean {
    let a = this.find(i);
    let b = this.find(j);
    if (a === b) return true;
    const membersA = this.members[a] ?? [];
    const membersB = this.members[b] ?? [];
    if (membersA.length < membersB.length) [a, b] = [b, a];
    const big = this.members[a] ?? [];
    const small = this.members[b] ?? [];
    const bigForbidden = this.forbidden[a] ?? new Set<number>();
    if (small.some((member) => bigForbidden.has(member))) return false;
    this.parent[b] = a;
    big.push(...small);
    for (const record of this.forbidden[b] ?? []) bigForbidden.add(record);
    this.members[b] = [];
    this.forbidden[b] = new Set();
    return true;
  }

  clusters(): number[][] {
    return this.members.filter((members, root) => members.length > 0 && this.parent[root] === root);
  }
}

/**
 * Groups ids into clusters: positive judgments first, then pairs at or above the threshold, strongest
 * first, never joining two clusters a negative judgment lies between. Each cluster is sorted, so its
 * first id, the smallest, is its canonical id; clusters come in order of canonical id, singletons included.
 */
export function clusterPairs(ids: string[], scoredPairs: ScoredIdPair[], threshold: number, judgments?: PairJudgments): string[][] {
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const partition = new Partition(ids.length);
  const index = (id: string): number | undefined => indexOf.get(id);
  for (const [a, b] of judgments?.negative ?? []) {
    const i = index(a);
    const j = index(b);
    if (i !== undefined && j !== undefined && i !== j) partition.forbid(i, j);
  }
  for (const [a, b] of judgments?.positive ?? []) {
    const i = index(a);
    const j = index(b);
    if (i !== undefined && j !== undefined) partition.union(i, j);
  }
  const linked = scoredPairs
    .filter((pair) => pair.probability >= threshold)
    .sort((x, y) => y.probability - x.probability || (y.weight ?? 0) - (x.weight ?? 0));
  for (const pair of linked) {
    const i = index(pair.a);
    const j = index(pair.b);
    if (i !== undefined && j !== undefined) partition.union(i, j);
  }
  return partition
    .clusters()
    .map((members) => members.map((member) => ids[member] ?? '').sort(compareIds))
    .sort((x, y) => compareIds(x[0] ?? '', y[0] ?? ''));
}

// Code-unit order, the same as SQL's "C" collation, so that the canonical id does not depend on locale.
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
