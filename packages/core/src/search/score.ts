import { compareAddresses, consonantSkeleton, isInitial, jaroWinkler, nameKey, nameTokens, normalizeAddress, normalizeEmail, normalizeIdentifier, normalizePhone, phoneticKey, sameGivenName, trigramSimilarity } from './normalize/index.js';
import type { SearchGroup } from './index-terms.js';

/** How a value matched a part of the query. */
export type MatchHow = 'exact' | 'token-order' | 'nickname' | 'initial' | 'phonetic' | 'typo' | 'transliteration' | 'trigram' | 'same-unit' | 'same-building' | 'same-street' | 'words';

/** One value's match with one part of the query: how strong, how, and why, in words. */
export interface ValueMatch {
  score: number;
  how: MatchHow;
  detail: string;
}

/** Below this a value is not a match at all. */
export const MATCH_THRESHOLD = 0.5;

// How much each way of meeting a name token is worth; an exact token is 1.
const TOKEN_WEIGHTS = { nickname: 0.9, phonetic: 0.85, transliteration: 0.8, initial: 0.7 } as const;
const TYPO_MIN_JARO_WINKLER = 0.87;

const NON_LATIN = /[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff]/;

interface TokenMatch {
  query: string;
  candidate: string;
  score: number;
  how: MatchHow;
}

function matchToken(q: string, c: string): TokenMatch | null {
  if (q === c) return { query: q, candidate: c, score: 1, how: 'exact' };
  if (isInitial(q) || isInitial(c)) {
    return (isInitial(q) ? c.startsWith(q) : q.startsWith(c)) ? { query: q, candidate: c, score: TOKEN_WEIGHTS.initial, how: 'initial' } : null;
  }
  if (sameGivenName(q, c)) return { query: q, candidate: c, score: TOKEN_WEIGHTS.nickname, how: 'nickname' };
  if (phoneticKey(q) === phoneticKey(c) && phoneticKey(q) !== '') return { query: q, candidate: c, score: TOKEN_WEIGHTS.phonetic, how: 'phonetic' };
  const jw = jaroWinkler(q, c);
  if (jw >= TYPO_MIN_JARO_WINKLER) return { query: q, candidate: c, score: Math.round(jw * 0.9 * 1000) / 1000, how: 'typo' };
  if (q.length >= 3 && c.length >= 3 && consonantSkeleton(q) === consonantSkeleton(c)) return { query: q, candidate: c, score: TOKEN_WEIGHTS.transliteration, how: 'transliteration' };
  return null;
}

const STRENGTH: readonly MatchHow[] = ['exact', 'token-order', 'nickname', 'phonetic', 'typo', 'transliteration', 'initial', 'trigram'];

/**
 * Scores a name against the name a query gives: every query token is met by the best unused
 * token of the name (exact, nickname, initial, phonetic code, typo by Jaro-Winkler, consonant
 * skeleton), token order aside; unmet tokens and extra tokens lower the score. Falls back to
 * trigram similarity of the whole names.
 */
export function scoreName(query: string, candidate: string): ValueMatch | null {
  const q = nameTokens(query);
  const c = nameTokens(candidate);
  if (q.length === 0 || c.length === 0) return null;
  const transliterated = NON_LATIN.test(query) && !NON_LATIN.test(candidate);
  if (q.join(' ') === c.join(' ')) return { score: 1, how: transliterated ? 'transliteration' : 'exact', detail: transliterated ? `"${query}" written in Latin letters is "${candidate}"` : `"${candidate}" is the name asked for` };
  if (nameKey(query) === nameKey(candidate)) return { score: 0.97, how: 'token-order', detail: `"${candidate}" has the same names in another order` };
  const used = new Set<number>();
  const matches: TokenMatch[] = [];
  let unmet = 0;
  for (const token of q) {
    let best: { match: TokenMatch; index: number } | null = null;
    c.forEach((other, index) => {
      if (used.has(index)) return;
      const match = matchToken(token, other);
      if (match !== null && (best === null || match.score > best.match.score)) best = { match, index };
    });
    if (best === null) {
      unmet++;
      continue;
    }
    const { match, index } = best as { match: TokenMatch; index: number };
    used.add(index);
    matches.push(match);
  }
  let score = matches.reduce((sum, m) => sum + m.score, 0) / q.length;
  // A name with more parts than asked still matches, a little less.
  score *= 0.9 + (0.1 * q.length) / Math.max(q.length, c.length);
  if (unmet > 0) score *= 0.75;
  const trigram = trigramSimilarity(nameKey(query), nameKey(candidate));
  if (trigram * 0.9 > score && trigram >= 0.45) return { score: round(trigram * 0.9), how: 'trigram', detail: `"${candidate}" shares ${Math.round(trigram * 100)}% of its letter trigrams with "${query}"` };
  if (matches.length === 0 || score < MATCH_THRESHOLD) return null;
  const weakest = matches.reduce((w, m) => (STRENGTH.indexOf(m.how) > STRENGTH.indexOf(w.how) ? m : w));
  const how: MatchHow = transliterated && weakest.how === 'exact' ? 'transliteration' : weakest.how;
  const detail = matches.map((m) => (m.how === 'exact' ? `"${m.candidate}"` : `"${m.query}" ~ "${m.candidate}" (${describeHow(m.how)})`)).join(', ') + (unmet > 0 ? `; ${unmet} of ${q.length} names asked not found` : '');
  return { score: round(score), how, detail };
}

const HOW_WORDS: Record<MatchHow, string> = {
  exact: 'exact',
  'token-order': 'names in another order',
  nickname: 'nickname',
  initial: 'initial',
  phonetic: 'sounds alike',
  typo: 'spelled differently',
  transliteration: 'same consonants',
  trigram: 'similar letters',
  'same-unit': 'same unit',
  'same-building': 'same building',
  'same-street': 'same street',
  words: 'same words',
};

function describeHow(how: MatchHow): string {
  return HOW_WORDS[how];
}

/** Scores an address: the same unit in the same building ranks above another unit there, above another building in the street. */
export function scoreAddress(query: string, candidate: string): ValueMatch | null {
  const compared = compareAddresses(normalizeAddress(query), normalizeAddress(candidate));
  if (compared.score < MATCH_THRESHOLD * 0.8) return null;
  const how: MatchHow = compared.sameBuilding ? (compared.sameUnit === false ? 'same-building' : 'same-unit') : 'same-street';
  return { score: round(compared.score), how, detail: `"${candidate}": ${compared.reasons.join(', ')}` };
}

/** Identifiers, phones and emails match exactly once normalised (E.164 phones, letters and digits of identifiers). */
export function scoreExact(group: 'identifier' | 'phone' | 'email', query: string, candidate: string): ValueMatch | null {
  const normal = (text: string) => (group === 'phone' ? normalizePhone(text) : group === 'email' ? normalizeEmail(text) : normalizeIdentifier(text));
  const q = normal(query);
  if (q === null || q === '' || q !== normal(candidate)) return null;
  return { score: 1, how: 'exact', detail: `"${candidate}" is ${q} once normalised` };
}

/** Free text: the share of the query's words the text holds. */
export function scoreText(query: string, candidate: string): ValueMatch | null {
  const words = [...new Set(nameTokens(query).filter((w) => w.length >= 3))];
  if (words.length === 0) return null;
  const held = new Set(nameTokens(candidate));
  const found = words.filter((w) => held.has(w));
  if (found.length === 0) return null;
  const score = (0.8 * found.length) / words.length;
  if (score < MATCH_THRESHOLD * 0.8) return null;
  return { score: round(score), how: 'words', detail: `the text holds ${found.map((w) => `"${w}"`).join(', ')}${found.length < words.length ? ` (${found.length} of ${words.length} words)` : ''}` };
}

/** Scores a stored value of a group against a part of the query. */
export function scoreValue(group: SearchGroup, query: string, candidate: string): ValueMatch | null {
  switch (group) {
    case 'name':
      return scoreName(query, candidate);
    case 'address':
      return scoreAddress(query, candidate);
    case 'identifier':
    case 'phone':
    case 'email':
      return scoreExact(group, query, candidate);
    case 'text':
      return scoreText(query, candidate);
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
