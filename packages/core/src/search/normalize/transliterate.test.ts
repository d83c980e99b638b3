import { describe, expect, it } from 'vitest';
import { consonantSkeleton, normalizeName } from './names.js';

describe('Cyrillic', () => {
  it('romanises Russian after BGN, with е as e and й as y', () => {
    expect(normalizeName('Сергей Иванов')).toBe('sergey ivanov');
    expect(normalizeName('Фёдор Михайлович Достоевский')).toBe('fedor mikhaylovich dostoevskiy');
    expect(normalizeName('Щукин Юрий Цой')).toBe('shchukin yuriy tsoy');
  });

  // A Ukrainian-only letter (і, ї, є, ґ) switches г to h and и to y, as Ukrainian passports spell them.
  it('spells Ukrainian text the Ukrainian way when a Ukrainian-only letter shows the language', () => {
    expect(normalizeName('Євген Ковалів')).toBe('yevhen kovaliv');
    expect(normalizeName('Микола Гоголь, Київ')).toBe('mykola hohol kyiv');
    expect(normalizeName('Микола Гоголь')).toBe('mikola gogol');
  });

  // Serbian Cyrillic and Serbian Latin are one alphabet in two scripts; with a Serbian-only letter
  // (ђ, ј, љ, њ, ћ, џ) the Cyrillic gives what normalizeName makes of the Latin.
  it('makes Serbian Cyrillic equal to Serbian Latin', () => {
    expect(normalizeName('Никола Тесла Јовановић')).toBe(normalizeName('Nikola Tesla Jovanović'));
    expect(normalizeName('Ђорђе Шапић')).toBe(normalizeName('Đorđe Šapić'));
  });

  it('reads the Bulgarian ъ as a vowel and drops a word-final hard sign', () => {
    expect(normalizeName('Търново')).toBe('tarnovo');
    expect(normalizeName('Иванъ')).toBe('ivan');
  });

  it('ignores stress marks written over Cyrillic vowels', () => {
    expect(normalizeName('Серге́й')).toBe('sergey');
  });
});

describe('Greek', () => {
  it('romanises after ELOT 743, with ου as ou', () => {
    expect(normalizeName('Νίκος Παπαδόπουλος')).toBe('nikos papadopoulos');
    expect(normalizeName('ΧΡΗΣΤΟΣ ΘΕΟΔΩΡΟΥ')).toBe('christos theodorou');
  });

  it('spells μπ, ντ and γκ as b, d and g at the start of a word and as mp, nt and ng inside it', () => {
    expect(normalizeName('Μπαλτάς Λάμπρος')).toBe('baltas lampros');
    expect(normalizeName('Ντίνος Καζαντζάκης')).toBe('dinos kazantzakis');
    expect(normalizeName('Γκίκας Αγγελόπουλος')).toBe('gikas angelopoulos');
  });

  it('spells αυ and ευ as av and ev before voiced sounds and af and ef before voiceless ones', () => {
    expect(normalizeName('Αύγουστος Ευθύμιος')).toBe('avgoustos efthymios');
    // ELOT keeps both letters, as the Greek passport does: EFFROSYNI.
    expect(normalizeName('Ευφροσύνη')).toBe('effrosyni');
  });

  it('keeps a diaeresis from forming a digraph', () => {
    expect(normalizeName('Ταΰγετος')).toBe('taygetos');
    expect(normalizeName('Ταύρος')).toBe('tavros');
  });
});

describe('Arabic', () => {
  it('writes the consonants Latin spellings use', () => {
    expect(normalizeName('خالد')).toBe('khald');
    expect(normalizeName('إبراهيم')).toBe('ibrahim');
    expect(normalizeName('ذو الفقار')).toBe('dhu alfqar');
  });

  it('honours short vowels and the shadda when the writer gave them', () => {
    expect(normalizeName('مُحَمَّد')).toBe('muhammad');
  });

  it('reads و and ي as w and y before a vowel or at the start of a word, as u and i elsewhere', () => {
    // Unvowelled, وليد is w-l-ī-d: no short a is written, so the skeleton is what meets "Walid".
    expect(normalizeName('وليد')).toBe('wlid');
    expect(consonantSkeleton('وليد')).toBe(consonantSkeleton('Walid'));
    expect(normalizeName('يوسف')).toBe('yusf');
    expect(normalizeName('علي')).toBe('ali');
  });

  it('drops ʿayn beside a long vowel and writes it as a elsewhere', () => {
    expect(normalizeName('إسماعيل')).toBe('ismail');
    expect(normalizeName('عمر')).toBe('amr');
    expect(consonantSkeleton('عائشة')).toBe(consonantSkeleton('Aisha'));
  });

  it('ignores tatweel, zero-width joiners and right-to-left marks', () => {
    expect(normalizeName('\u200Fمحـــمد\u200D')).toBe('mhmd');
  });

  it('turns Arabic-Indic digits into ASCII digits', () => {
    expect(normalizeName('٢٠٢٤')).toBe('2024');
  });
});
