// Writes a Latin-script name in Cyrillic, Greek or Arabic letters, the way a clerk abroad might,
// for the transliteration queries. The direction is the reverse of core's romanisation, so these
// tables are the bench's own: a query must not be built by the code it measures.

/** A script a name can be written in for a transliteration query. */
export type Script = 'cyrillic' | 'greek' | 'arabic';

/** The scripts, in the order targets without a hint rotate through them. */
export const SCRIPTS: readonly Script[] = ['cyrillic', 'greek', 'arabic'];

type Rule = readonly [latin: string, written: string];

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

// Longest spellings first; a rule applies where its Latin letters start.
const CYRILLIC: readonly Rule[] = [
  ['shch', 'щ'], ['sch', 'ш'], ['tch', 'ч'], ['zh', 'ж'], ['kh', 'х'], ['ts', 'ц'], ['tz', 'ц'], ['ch', 'ч'], ['sh', 'ш'],
  ['th', 'т'], ['ph', 'ф'], ['ck', 'к'], ['qu', 'кв'], ['yu', 'ю'], ['ya', 'я'], ['ee', 'и'], ['oo', 'у'],
  ['a', 'а'], ['b', 'б'], ['c', 'к'], ['d', 'д'], ['e', 'е'], ['f', 'ф'], ['g', 'г'], ['h', 'х'], ['i', 'и'], ['j', 'дж'],
  ['k', 'к'], ['l', 'л'], ['m', 'м'], ['n', 'н'], ['o', 'о'], ['p', 'п'], ['q', 'к'], ['r', 'р'], ['s', 'с'],
  ['t', 'т'], ['u', 'у'], ['v', 'в'], ['w', 'в'], ['x', 'кс'], ['z', 'з'],
];

const GREEK: readonly Rule[] = [
  ['tch', 'τσ'], ['th', 'θ'], ['ch', 'χ'], ['ph', 'φ'], ['ps', 'ψ'], ['ks', 'ξ'], ['ck', 'κ'], ['sh', 'σ'], ['ou', 'ου'],
  ['oo', 'ου'], ['ee', 'ι'], ['ts', 'τσ'], ['a', 'α'], ['b', 'μπ'], ['c', 'κ'], ['d', 'δ'], ['e', 'ε'], ['f', 'φ'],
  ['g', 'γ'], ['i', 'ι'], ['j', 'τζ'], ['k', 'κ'], ['l', 'λ'], ['m', 'μ'], ['n', 'ν'], ['o', 'ο'], ['p', 'π'],
  ['q', 'κ'], ['r', 'ρ'], ['s', 'σ'], ['t', 'τ'], ['u', 'ου'], ['v', 'β'], ['w', 'ου'], ['x', 'ξ'], ['y', 'ι'],
  ['z', 'ζ'],
];

// Arabic script leaves short vowels unwritten: consonants only, an alif for a vowel that starts a word.
const ARABIC: readonly Rule[] = [
  ['tch', 'تش'], ['sh', 'ش'], ['kh', 'خ'], ['th', 'ث'], ['dh', 'ذ'], ['gh', 'غ'], ['ch', 'تش'], ['ph', 'ف'], ['ck', 'ك'],
  ['b', 'ب'], ['c', 'ك'], ['d', 'د'], ['f', 'ف'], ['g', 'گ'], ['h', 'ه'], ['j', 'ج'], ['k', 'ك'], ['l', 'ل'], ['m', 'م'],
  ['n', 'ن'], ['p', 'پ'], ['q', 'ق'], ['r', 'ر'], ['s', 'س'], ['t', 'ت'], ['v', 'ف'], ['w', 'و'], ['x', 'كس'],
  ['y', 'ي'], ['z', 'ز'],
];

/** One word (Latin letters, any case) in the script, first letter capitalised where the script has capitals. */
export function writeWord(word: string, script: Script): string {
  const latin = word.toLowerCase().replace(/[^a-z]/g, '');
  let out = '';
  let i = 0;
  while (i < latin.length) {
    const ch = latin.charAt(i);
    const next = latin.charAt(i + 1);
    const previous = latin.charAt(i - 1);
    let written: string | undefined;
    let taken = 1;
    if (script === 'arabic' && VOWELS.has(ch)) {
      written = i === 0 ? (ch === 'i' || ch === 'e' ? 'إ' : 'ا') : '';
    } else if (script === 'arabic' && ch === previous) {
      written = '';
    } else if (ch === 'c' && (next === 'e' || next === 'i' || next === 'y')) {
      written = script === 'cyrillic' ? 'с' : script === 'greek' ? 'σ' : 'س';
    } else if (script === 'cyrillic' && ch === 'y' && next !== 'a' && next !== 'u') {
      // A y beside a vowel is the glide й (Andrey, Yelena); between consonants it is a vowel (ya and yu are я and ю).
      written = VOWELS.has(next) || VOWELS.has(previous) ? 'й' : 'и';
    } else if (script === 'cyrillic' && ch === 'e' && i === 0) {
      written = 'э';
    } else if (script === 'greek' && ch === 'h') {
      // Greek has no h: a word-initial one is heard as χ, elsewhere it is silent.
      written = i === 0 ? 'χ' : '';
    }
    if (written === undefined) {
      const rules = script === 'cyrillic' ? CYRILLIC : script === 'greek' ? GREEK : ARABIC;
      const rule = rules.find(([from]) => latin.startsWith(from, i));
      written = rule?.[1] ?? '';
      taken = rule?.[0].length ?? 1;
    }
    out += written;
    i += taken;
  }
  if (script === 'greek' && out.endsWith('σ')) out = `${out.slice(0, -1)}ς`;
  return script === 'arabic' ? out : out.charAt(0).toUpperCase() + out.slice(1);
}

/** A name (words separated by spaces or hyphens) written in the script. */
export function writeName(name: string, script: Script): string {
  return name
    .split(/[\s-]+/)
    .filter((word) => /[a-z]/i.test(word))
    .map((word) => writeWord(word, script))
    .join(' ');
}

/** The script a nationality writes names in, when it is not Latin. */
export function scriptOfNationality(nationality: string): Script | null {
  switch (nationality.toLowerCase()) {
    case 'ru':
    case 'ua':
    case 'by':
    case 'bg':
    case 'rs':
      return 'cyrillic';
    case 'gr':
    case 'cy':
      return 'greek';
    case 'eg':
    case 'lb':
    case 'jo':
    case 'ma':
    case 'sa':
    case 'sy':
    case 'iq':
    case 'pk':
      return 'arabic';
    default:
      return null;
  }
}
