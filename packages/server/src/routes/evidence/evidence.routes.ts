import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { annotateEvidence, evidenceTooLarge, getEvidence, Invalid, listEvidence, readEvidenceContent, rolesFor, transferEvidence, uploadEvidence } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext, type RoutePolicy } from '../../plugins/route-policy.js';
import { formError, formParts } from '../multipart-form.js';

const caseParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^C-\\d{4}-\\d{4,}$' } } } as const;
const evidenceParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const person = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } as const;

const summary = {
  type: 'object',
  required: ['id', 'caseId', 'fileName', 'contentType', 'size', 'sha256', 'description', 'uploadedBy', 'uploadedAt', 'custodyEvents', 'annotations'],
  properties: {
    id: { type: 'string' },
    caseId: { type: 'string' },
    fileName: { type: 'string' },
    contentType: { type: 'string' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
    description: { type: 'string' },
    uploadedBy: person,
    uploadedAt: { type: 'string', format: 'date-time' },
    custodyEvents: { type: 'integer' },
    annotations: { type: 'integer' },
  },
} as const;

const custodyEvent = {
  type: 'object',
  required: ['event', 'actor', 'at', 'detail'],
  properties: { event: { type: 'string', enum: ['collected', 'viewed', 'exported', 'transferred'] }, actor: person, at: { type: 'string', format: 'date-time' }, detail: { type: 'string' } },
} as const;

const anchor = {
  type: ['object', 'null'],
  additionalProperties: false,
  properties: {
    page: { type: 'integer', minimum: 1 },
    x: { type: 'number', minimum: 0 },
    y: { type: 'number', minimum: 0 },
    width: { type: 'number', minimum: 0 },
    height: { type: 'number', minimum: 0 },
    text: { type: 'string', minLength: 1, maxLength: 2000 },
  },
} as const;

const annotation = {
  type: 'object',
  required: ['id', 'evidenceId', 'body', 'anchor', 'author', 'createdAt'],
  properties: { id: { type: 'string' }, evidenceId: { type: 'string' }, body: { type: 'string' }, anchor, author: person, createdAt: { type: 'string', format: 'date-time' } },
} as const;

/** A file name for a Content-Disposition header: a plain fallback and the exact name in UTF-8. */
function attachment(fileName: string): string {
  const plain = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** A "file" part sent without a file name (the multipart parser takes it for a field, or for a file named undefined). */
const noFileName = () => new Invalid('the "file" part has no file name: send it with filename="..." in its Content-Disposition');

/** Evidence files, custody and annotations. */
export function evidenceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const policy: RoutePolicy = { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' };
  const maxBytes = deps.config.evidence.maxBytes;

  void app.register(async (scope) => {
    // Multipart streams past the server's body limit; the file's own limit is the evidence limit.
    await scope.register(multipart, { limits: { fileSize: maxBytes, files: 1, fields: 2, parts: 3 } });
    scope.post(
      '/api/cases/:id/evidence',
      {
        config: { policy },
        schema: {
          summary: 'Add an evidence file to a case: multipart field "file" (its content type must match its bytes) and an optional "description"',
          tags: ['evidence'],
          consumes: ['multipart/form-data'],
          params: caseParams,
          response: {
            201: {
              type: 'object',
              required: ['id', 'sha256', 'size', 'contentType', 'fileName'],
              properties: { id: { type: 'string' }, sha256: { type: 'string' }, size: { type: 'integer' }, contentType: { type: 'string' }, fileName: { type: 'string' } },
            },
          },
        },
      },
      async (request, reply) => {
        if (!request.isMultipart()) throw new Invalid('send the file as multipart/form-data, in the field "file"');
        let file: { fileName: string; contentType: string; content: Buffer } | undefined;
        let description: string | undefined;
        for await (const part of formParts(request)) {
          if (part.type === 'field') {
            if (part.fieldname === 'file') throw noFileName();
            if (part.fieldname !== 'description') throw new Invalid(`unexpected field "${part.fieldname}": send "file" and optionally "description"`);
            if (typeof part.value !== 'string') throw new Invalid('the description must be text');
            description = part.value;
            continue;
          }
          if (part.fieldname !== 'file') throw new Invalid(`unexpected file field "${part.fieldname}": send the file in "file"`);
          // A part with a content type but no file name is taken for a file whose name is undefined.
          if (typeof part.filename !== 'string' || part.filename.trim() === '') throw noFileName();
          let content: Buffer;
          try {
            content = await part.toBuffer();
          } catch (error) {
            if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw evidenceTooLarge(maxBytes);
            throw formError(error);
          }
          file = { fileName: part.filename, contentType: part.mimetype, content };
        }
        if (file === undefined) throw new Invalid('send the file in the multipart field "file"');
        const stored = await uploadEvidence(requestContext(request, deps), {
          caseId: (request.params as { id: string }).id,
          fileName: file.fileName,
          contentType: file.contentType,
          content: file.content,
          ...(description !== undefined ? { description } : {}),
        });
        return reply.status(201).send(stored);
      },
    );
  });

  app.get(
    '/api/cases/:id/evidence',
    {
      config: { policy },
      schema: {
        summary: "A case's evidence files with hash, size, type, uploader and counts of custody events and annotations",
        tags: ['evidence'],
        params: caseParams,
        response: { 200: { type: 'object', required: ['evidence'], properties: { evidence: { type: 'array', items: summary } } } },
      },
    },
    async (request) => ({ evidence: await listEvidence(requestContext(request, deps), (request.params as { id: string }).id) }),
  );

  app.get(
    '/api/evidence/:id',
    {
      config: { policy },
      schema: {
        summary: 'An evidence file with its full chain of custody and its annotations',
        tags: ['evidence'],
        params: evidenceParams,
        response: {
          200: {
            type: 'object',
            required: [...summary.required, 'custody', 'annotationList'],
            properties: { ...summary.properties, custody: { type: 'array', items: custodyEvent }, annotationList: { type: 'array', items: annotation } },
          },
        },
      },
    },
    async (request) => getEvidence(requestContext(request, deps), (request.params as { id: string }).id),
  );

  app.get(
    '/api/evidence/:id/content',
    {
      config: { policy },
      schema: {
        summary: "An evidence file's bytes, checked against its SHA-256 first (the digest is in the x-content-sha256 and digest headers); each read is a custody event",
        tags: ['evidence'],
        params: evidenceParams,
        produces: ['application/octet-stream'],
        response: { 200: { type: 'string', format: 'binary' } },
      },
    },
    async (request, reply) => {
      const file = await readEvidenceContent(requestContext(request, deps), (request.params as { id: string }).id);
      const content = Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength);
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', attachment(file.fileName))
        .header('x-content-type-options', 'nosniff')
        .header('x-content-sha256', file.sha256)
        .header('digest', `sha-256=${createHash('sha256').update(content).digest('base64')}`)
        .header('cache-control', 'no-store')
        .send(content);
    },
  );

  app.post(
    '/api/evidence/:id/transfer',
    {
      config: { policy },
      schema: {
        summary: 'Hand an evidence file over to someone: a custody event naming the recipient and the reason',
        tags: ['evidence'],
        params: evidenceParams,
        body: {
          type: 'object',
          required: ['recipient', 'reason'],
          additionalProperties: false,
          properties: { recipient: { type: 'string', minLength: 1, maxLength: 200 }, reason: { type: 'string', minLength: 1, maxLength: 2000 } },
        },
        response: { 201: custodyEvent },
      },
    },
    async (request, reply) => {
      const body = request.body as { recipient: string; reason: string };
      const event = await transferEvidence(requestContext(request, deps), { id: (request.params as { id: string }).id, recipient: body.recipient, reason: body.reason });
      return reply.status(201).send(event);
    },
  );

  app.post(
    '/api/evidence/:id/annotations',
    {
      config: { policy },
      schema: {
        summary: 'Add a note on top of an evidence file, optionally anchored to a page, a box or a quoted passage; the file never changes',
        tags: ['evidence'],
        params: evidenceParams,
        body: { type: 'object', required: ['body'], additionalProperties: false, properties: { body: { type: 'string', minLength: 1, maxLength: 20000 }, anchor } },
        response: { 201: annotation },
      },
    },
    async (request, reply) => {
      const body = request.body as { body: string; anchor?: unknown };
      const created = await annotateEvidence(requestContext(request, deps), { id: (request.params as { id: string }).id, body: body.body, anchor: body.anchor });
      return reply.status(201).send(created);
    },
  );
}
