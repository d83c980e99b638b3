/**
 * Cyrillic to Latin, close to BGN/PCGN for Russian with the national values where a script
 * variant betrays the language, so that a name meets the spelling its own country would print.
 */

/** Which national romanisation a Cyrillic text gets; only letters unique to a language decide it. */
export type CyrillicFlavour = 'russian' | 'ukrainian' | 'serbian';

// Russian, Belarusian and Bulgarian text gets these values (Bulgarian differs in ъ, handled below).
const COMMON = new Map<string, string>([
  ['а', 'a'], ['б', 'b'], ['в', 'v'], ['г', 'g'], ['д', 'd'], ['е', 'e'], ['ё', 'e'], ['ж', 'zh'],
  ['з', 'z'], ['и', 'i'], ['й', 'y'], ['к', 'k'], ['л', 'l'], ['м', 'm'], ['н', 'n'], ['о', 'o'],
  ['п', 'p'], ['р', 'r'], ['с', 's'], ['т', 't'], ['у', 'u'], ['ф', 'f'], ['х', 'kh'], ['ц', 'ts'],
  ['ч', 'ch'], ['ш', 'sh'], ['щ', 'shch'], ['ы', 'y'], ['ь', ''], ['э', 'e'], ['ю', 'yu'], ['я', 'ya'],
  ['є', 'ye'], ['і', 'i'], ['ї', 'yi'], ['ґ', 'g'], ['ў', 'u'],
  // Serbian and Macedonian letters; ђ follows the Latin đ→d rule so both Serbian alphabets agree.
  ['ђ', 'd'], ['ј', 'j'], ['љ', 'lj'], ['њ', 'nj'], ['ћ', 'c'], ['џ', 'dz'], ['ѓ', 'gj'], ['ќ', 'kj'],
  ['ѕ', 'dz'],
]);

// Ukrainian passports spell г as h and и as y (Oleh, Mykola).
const UKRAINIAN = new Map<string, string>([['г', 'h'], ['и', 'y']]);

// Serbian Cyrillic maps one to one onto Serbian Latin; these values equal that Latin with its
// háčeks stripped, which is what normalizeName makes of Latin text (Jovanović → jovanovic).
const SERBIAN = new Map<string, string>([['ц', 'c'], ['ч', 'c'], ['ш', 's'], ['ж', 'z'], ['х', 'h']]);

/** Guesses the national romanisation from letters only one language uses; Russian otherwise. */
export function cyrillicFlavour(text: string): CyrillicFlavour {
  if (/[ђјљњћџѓќѕ]/u.test(text)) return 'serbian';
  if (/[єіїґ]/u.test(text)) return 'ukrainian';
  return 'russian';
}

/** Romanises one run of lower-case Cyrillic letters (a word or part of one). */
export function cyrillicToLatin(run: string, flavour: CyrillicFlavour): string {
  const chars = Array.from(run);
  let out = '';
  for (const [i, letter] of chars.entries()) {
    // Accented vowels outside the table (ѐ, ѝ, stress marks) fall back to their base letter.
    const ch = COMMON.has(letter) || letter === 'ъ' ? letter : (letter.normalize('NFD')[0] ?? letter);
    if (ch === 'ъ') {
      // Bulgarian ъ is a vowel (Търново → tarnovo); the Russian hard sign only ends old spellings.
      out += i === chars.length - 1 ? '' : 'a';
      continue;
    }
    if ((ch === 'ї' || ch === 'є') && i > 0) {
      // Inside a word Ukrainian spells these i and ie (Київ → kyiv); yi and ye start a word.
      out += ch === 'ї' ? 'i' : 'ie';
      continue;
    }
    const national = flavour === 'ukrainian' ? UKRAINIAN.get(ch) : flavour === 'serbian' ? SERBIAN.get(ch) : undefined;
    out += national ?? COMMON.get(ch) ?? ch;
  }
  return out;
}
