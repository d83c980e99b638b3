/**
 * Greek to Latin after ELOT 743 (the Greek passport standard), with the word-initial values of
 * μπ, ντ and γκ that Greek names take in Latin print (Μπαλτάς → baltas, Ντίνος → dinos).
 */

const LETTERS = new Map<string, string>([
  ['α', 'a'], ['β', 'v'], ['γ', 'g'], ['δ', 'd'], ['ε', 'e'], ['ζ', 'z'], ['η', 'i'], ['θ', 'th'],
  ['ι', 'i'], ['κ', 'k'], ['λ', 'l'], ['μ', 'm'], ['ν', 'n'], ['ξ', 'x'], ['ο', 'o'], ['π', 'p'],
  ['ρ', 'r'], ['σ', 's'], ['ς', 's'], ['τ', 't'], ['υ', 'y'], ['φ', 'f'], ['χ', 'ch'], ['ψ', 'ps'],
  ['ω', 'o'], ['ϊ', 'i'], ['ϋ', 'y'],
]);

// The tonos only marks stress; the dialytika must survive because it splits a digraph (αϋ ≠ αυ).
const TONOS = new Map<string, string>([
  ['ά', 'α'], ['έ', 'ε'], ['ή', 'η'], ['ί', 'ι'], ['ό', 'ο'], ['ύ', 'υ'], ['ώ', 'ω'], ['ΐ', 'ϊ'], ['ΰ', 'ϋ'],
]);

// αυ, ευ, ηυ are spelt with f before these (and at the end of a word), with v elsewhere.
const VOICELESS = new Set(['θ', 'κ', 'ξ', 'π', 'σ', 'ς', 'τ', 'φ', 'χ', 'ψ']);

/** Romanises one run of lower-case Greek letters (a word or part of one). */
export function greekToLatin(run: string): string {
  // Combining marks left in the run (stress on a decomposed letter) would hide digraphs, and
  // polytonic letters (breathings, circumflex) fall back to their base letter.
  const chars = Array.from(run)
    .filter((ch) => !/\p{M}/u.test(ch))
    .map((ch) => TONOS.get(ch) ?? (LETTERS.has(ch) ? ch : (ch.normalize('NFD')[0] ?? ch)));
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i] ?? '';
    const next = chars[i + 1];
    const atStart = i === 0;
    const pair = next === undefined ? '' : ch + next;
    let digraph: string | undefined;
    if (pair === 'ου') digraph = 'ou';
    else if (pair === 'μπ') digraph = atStart ? 'b' : 'mp';
    else if (pair === 'ντ') digraph = atStart ? 'd' : 'nt';
    else if (pair === 'γκ') digraph = atStart ? 'g' : 'ng';
    else if (pair === 'γγ') digraph = 'ng';
    else if (pair === 'γξ') digraph = 'nx';
    else if (pair === 'γχ') digraph = 'nch';
    else if (next === 'υ' && (ch === 'α' || ch === 'ε' || ch === 'η')) {
      const after = chars[i + 2];
      const vowel = LETTERS.get(ch) ?? '';
      digraph = vowel + (after === undefined || VOICELESS.has(after) ? 'f' : 'v');
    }
    if (digraph !== undefined) {
      out += digraph;
      i += 2;
    } else {
      out += LETTERS.get(ch) ?? ch;
      i += 1;
    }
  }
  return out;
}
