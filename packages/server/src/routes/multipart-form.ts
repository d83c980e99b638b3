import type { FastifyRequest } from 'fastify';
import { Invalid, isCaseGraphError } from '@casegraph/core';

// What the multipart parser throws on a form it cannot frame: no boundary, or no closing boundary.
const MALFORMED_FORM = /^(Multipart: |Unexpected end of (multipart data|form))/;

/** A form the multipart parser cannot frame is the client's error: the error to answer with instead of a failure. */
export function formError(error: unknown): unknown {
  if (!isCaseGraphError(error) && error instanceof Error && MALFORMED_FORM.test(error.message)) {
    return new Invalid(`the multipart form is malformed (${error.message.replace(/^Multipart: /, '').toLowerCase()}): send multipart/form-data with a boundary and every part closed`);
  }
  return error;
}

/**
 * The parts of a multipart request; a form the parser cannot frame (no boundary, cut off before
 * its closing boundary), or a text field holding U+0000, answers 400 instead of failing the request. Reading a part's content can
 * meet the same end: pass its errors through formError.
 * @example for await (const part of formParts(request)) if (part.type === 'field') read(part.value)
 */
export async function* formParts(request: FastifyRequest): ReturnType<FastifyRequest['parts']> {
  try {
    for await (const part of request.parts()) {
      // As in JSON bodies (plugins/text-input.ts): the store cannot hold U+0000.
      if (part.type === 'field' && typeof part.value === 'string' && part.value.includes('\u0000')) {
        throw new Invalid(`the form field "${part.fieldname}" holds the NUL character (U+0000), which text may not contain`);
      }
      yield part;
    }
  } catch (error) {
    throw formError(error);
  }
}
