import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** One line of a text stream, or a line too long to hold. */
export type LineItem = { lineNumber: number; text: string } | { lineNumber: number; tooLong: number };

/** Longest line kept in memory; longer lines are reported and skipped, never buffered. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/**
 * Splits a byte or text stream into lines (LF or CRLF), dropping a leading UTF-8 BOM. Pulling
 * the next line reads only as much of the stream as it needs, so memory stays bounded.
 */
export async function* readLines(stream: Readable, options: { maxLineChars?: number } = {}): AsyncGenerator<LineItem> {
  const maxLineChars = options.maxLineChars ?? MAX_LINE_CHARS;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let skipped = 0;
  let lineNumber = 0;
  let first = true;
  const finish = (text: string): LineItem => {
    lineNumber += 1;
    if (skipped > 0) {
      const item = { lineNumber, tooLong: skipped + text.length };
      skipped = 0;
      return item;
    }
    return { lineNumber, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      const line = pending + text.slice(start, newline);
      pending = '';
      yield finish(line);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    pending += text.slice(start);
    if (pending.length > maxLineChars) {
      // Keep counting the runaway line without keeping it.
      skipped += pending.length;
      pending = '';
    }
  }
  pending += decoder.end();
  if (pending.length > 0 || skipped > 0) yield finish(pending);
}
