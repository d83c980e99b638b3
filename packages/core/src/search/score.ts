import { compareAddresses, consonantSkeleton, isInitial, jaroWinkler, levenshtein, nameKey, nameTokens, normalizeAddress, normalizeEmail, normalizeIdentifier, normalizePhone, phoneticKey, sameGivenName, trigramSimilarity } from './normalize/index.js';
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
const TOKEN_WEIGHTS = { nickname: 0.9, oneEdit: 0.88, phonetic: 0.85, weakPhonetic: 0.7, transliteration: 0.8, initial: 0.7 } as const;
const TYPO_MIN_JARO_WINKLER = 0.85;
// Codes this short collide across unrelated names (Owusu and Eze are both AS).
const MIN_PHONETIC_CODE = 3;
// Two names that sound alike but share few letters in order are weak evidence (Amita and Ahmad are both AMT).
const PHONETIC_MIN_JARO_WINKLER = 0.75;

const NON_LATIN = /[\u0370-\u03ff\u0400-\u04ff\u0600-\u06ff]/;

interface TokenMatch {
  query: string;
  candidate: string;
  score: number;
  how: MatchHow;
}

/** Whether a name word is the query word spelled another way: one letter changed, added or dropped, or close by Jaro-Winkler (as matchToken scores a typo). */
export function spelledAlike(q: string, c: string): boolean {
  return (Math.min(q.length, c.length) >= 4 && levenshtein(q, c) === 1) || jaroWinkler(q, c) >= TYPO_MIN_JARO_WINKLER;
}

/** The strongest way one query token meets one name token, if any. */
function matchToken(q: string, c: string): TokenMatch | null {
  const match = (score: number, how: MatchHow): TokenMatch => ({ query: q, candidate: c, score, how });
  // An initial only says the name starts with that letter, even against another initial.
  if (isInitial(q) || isInitial(c)) return (isInitial(q) ? c.startsWith(q) : q.startsWith(c)) ? match(TOKEN_WEIGHTS.initial, 'initial') : null;
  if (q === c) return match(1, 'exact');
  if (sameGivenName(q, c)) return match(TOKEN_WEIGHTS.nickname, 'nickname');
  const jw = jaroWinkler(q, c);
  const candidates: TokenMatch[] = [];
  if (Math.min(q.length, c.length) >= 4 && levenshtein(q, c) === 1) candidates.push(match(TOKEN_WEIGHTS.oneEdit, 'typo'));
  if (jw >= TYPO_MIN_JARO_WINKLER) candidates.push(match(Math.round(jw * 0.9 * 1000) / 1000, 'typo'));
  const code = phoneticKey(q);
  if (code !== '' && code === phoneticKey(c)) {
    // A short code is trusted only when the letters agree too; a long one always counts, weakly when they do not.
    if (jw >= PHONETIC_MIN_JARO_WINKLER) candidates.push(match(TOKEN_WEIGHTS.phonetic, 'phonetic'));
    else if (code.length >= MIN_PHONETIC_CODE) candidates.push(match(TOKEN_WEIGHTS.weakPhonetic, 'phonetic'));
  }
  if (q.length >= 3 && c.length >= 3 && consonantSkeleton(q) === consonantSkeleton(c)) candidates.push(match(TOKEN_WEIGHTS.transliteration, 'transliteration'));
  return candidates.reduce<TokenMatch | null>((best, m) => (best === null || m.score > best.score ? m : best), null);
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
  score *= 0.95 + (0.05 * q.length) / Math.max(q.length, c.length);
  if (unmet > 0) score *= 0.75;
  const trigram = trigramSimilarity(nameKey(query), nameKey(candidate));
  if (trigram * 0.9 > score && trigram * 0.9 >= MATCH_THRESHOLD) return { score: round(trigram * 0.9), how: 'trigram', detail: `"${candidate}" shares ${Math.round(trigram * 100)}% of its letter trigrams with "${query}"` };
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

// A record's own phone or email says more about it than one it only mentions (a call's caller, say).
const OWN_CONTACT_PROPERTIES = new Set(['phone', 'email', 'number']);

/** Scores a stored value (of a property) of a group against a part of the query. */
export function scoreValue(group: SearchGroup, query: string, candidate: string, property = ''): ValueMatch | null {
  switch (group) {
    case 'name':
      return scoreName(query, candidate);
    case 'address':
      return scoreAddress(query, candidate);
    case 'identifier':
      return scoreExact(group, query, candidate);
    case 'phone':
    case 'email': {
      const match = scoreExact(group, query, candidate);
      return match === null || OWN_CONTACT_PROPERTIES.has(property) ? match : { ...match, score: 0.9, detail: `${match.detail} (as ${property})` };
    }
    case 'text':
      return scoreText(query, candidate);
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
