// Strings are compared by code point, so a letter outside the BMP counts as one character.

/** The Levenshtein edit distance (insertions, deletions, substitutions): `levenshtein('kitten', 'sitting')` is 3. */
export function levenshtein(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  // Two rows suffice; memory stays linear even for long inputs.
  let previous = new Uint32Array(t.length + 1).map((_, j) => j);
  let current = new Uint32Array(t.length + 1);
  for (const [i, sc] of s.entries()) {
    current[0] = i + 1;
    for (const [j, tc] of t.entries()) {
      const substitution = (previous[j] ?? 0) + (sc === tc ? 0 : 1);
      const deletion = (previous[j + 1] ?? 0) + 1;
      const insertion = (current[j] ?? 0) + 1;
      current[j + 1] = Math.min(substitution, deletion, insertion);
    }
    [previous, current] = [current, previous];
  }
  return previous[t.length] ?? 0;
}

function jaro(s: string[], t: string[]): number {
  if (s.length === 0 && t.length === 0) return 1;
  if (s.length === 0 || t.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(s.length, t.length) / 2) - 1);
  const sMatched = new Uint8Array(s.length);
  const tMatched = new Uint8Array(t.length);
  let matches = 0;
  for (const [i, sc] of s.entries()) {
    const end = Math.min(i + window + 1, t.length);
    for (let j = Math.max(0, i - window); j < end; j += 1) {
      if (tMatched[j] === 1 || t[j] !== sc) continue;
      sMatched[i] = 1;
      tMatched[j] = 1;
      matches += 1;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (const [i, sc] of s.entries()) {
    if (sMatched[i] !== 1) continue;
    while (tMatched[k] !== 1) k += 1;
    if (sc !== t[k]) transpositions += 1;
    k += 1;
  }
  const m = matches;
  return (m / s.length + m / t.length + (m - transpositions / 2) / m) / 3;
}

/** The Jaro-Winkler similarity (prefix scale 0.1, at most 4 characters): `jaroWinkler('martha', 'marhta')` is about 0.961. */
export function jaroWinkler(a: string, b: string): number {
  const s = Array.from(a);
  const t = Array.from(b);
  const similarity = jaro(s, t);
  let prefix = 0;
  while (prefix < 4 && prefix < s.length && s[prefix] === t[prefix]) prefix += 1;
  return similarity + prefix * 0.1 * (1 - similarity);
}

/** The distinct trigrams pg_trgm takes from text (words padded '  w '): `trigrams('Cat')` is ['  c', ' ca', 'cat', 'at ']. */
export function trigrams(text: string): string[] {
  const found = new Set<string>();
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u)) {
    if (word === '') continue;
    const padded = Array.from(`  ${word} `);
    for (let i = 0; i + 3 <= padded.length; i += 1) found.add(padded.slice(i, i + 3).join(''));
  }
  return [...found];
}

/** What pg_trgm's `similarity(a, b)` returns, 0 when either side has no words: `trigramSimilarity('word', 'two words')` is 4/11. */
export function trigramSimilarity(a: string, b: string): number {
  const left = new Set(trigrams(a));
  const right = trigrams(b);
  if (left.size === 0 || right.length === 0) return 0;
  const shared = right.filter((trigram) => left.has(trigram)).length;
  return shared / (left.size + right.length - shared);
}
