import { arabicToLatin } from './arabic.js';
import { cyrillicFlavour, cyrillicToLatin } from './cyrillic.js';
import { greekToLatin } from './greek.js';

// A run is one script's letters plus any marks on them; runs end at spaces and punctuation, so a
// run's first letter starts a word, which the Greek and Arabic rules need to know.
const GREEK_RUN = /\p{Script=Greek}[\p{Script=Greek}\p{M}]*/gu;
const CYRILLIC_RUN = /\p{Script=Cyrillic}[\p{Script=Cyrillic}\p{M}]*/gu;
const ARABIC_RUN = /\p{Script=Arabic}[\p{Script=Arabic}\p{M}]*/gu;

/** Romanises the Cyrillic, Greek and Arabic letters of lower-case NFC text, leaving the rest: `transliterate('сергей')` is 'sergey'. */
export function transliterate(text: string): string {
  let out = text;
  if (/\p{Script=Cyrillic}/u.test(out)) {
    const flavour = cyrillicFlavour(out);
    out = out.replace(CYRILLIC_RUN, (run) => cyrillicToLatin(run, flavour));
  }
  if (/\p{Script=Greek}/u.test(out)) out = out.replace(GREEK_RUN, greekToLatin);
  if (/\p{Script=Arabic}/u.test(out)) out = out.replace(ARABIC_RUN, arabicToLatin);
  return out;
}
