import fc from 'fast-check';

/** Inputs that have broken parsers before, shared by the property-based tests of each parser family. */

/** Names that are keys of every plain object: a parser that looks them up in a plain object finds a function. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

/** Text pieces that break or stress a CSV or JSON reader. */
export const hostilePiece = fc.oneof(
  fc.constantFrom('"', '""', '"""', ',', ';', '\n', '\r', '\r\n', '\0', '\ufeff', '\ufffd', '\\', '{', '}', '[', ']', ':', '\u2028', '\u202e', '\ud800', '\udfff', ' ', '\t'),
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
  fc.integer({ min: 1, max: 2000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1, max: 600 }).map((n) => '['.repeat(n)),
  fc.integer({ min: 1, max: 600 }).map((n) => '{"a":'.repeat(n)),
);

/** Bytes that are not UTF-8: lone continuation bytes, overlong forms, cut sequences, surrogates. */
export const invalidUtf8 = fc.constantFrom(
  Uint8Array.of(0x80),
  Uint8Array.of(0xc0, 0xaf),
  Uint8Array.of(0xe2, 0x82),
  Uint8Array.of(0xed, 0xa0, 0x80),
  Uint8Array.of(0xf8, 0x88, 0x80, 0x80, 0x80),
  Uint8Array.of(0xff, 0xfe),
  Uint8Array.of(0xfc),
);

/** A cell of text in any script, without the replacement character (which readers refuse as garbled input). */
export const cell = fc.string({ unit: 'binary', maxLength: 30 }).filter((text) => !text.includes('\ufffd'));
