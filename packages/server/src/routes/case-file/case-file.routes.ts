import type { FastifyInstance } from 'fastify';
import { CASE_FILE_FORMATS, exportCaseFile, rolesFor } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext } from '../../plugins/route-policy.js';

const caseParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^C-\\d{4}-\\d{4,}$' } } } as const;

/** A content-disposition header for a download, the name quoted and also given in UTF-8. */
function attachment(fileName: string): string {
  const plain = fileName.replace(/[^\x20-\x7E]|["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** The case file export (PDF and HTML): a disclosure, recorded with its recipient and the file's digest. */
export function caseFileRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post(
    '/api/cases/:id/export',
    {
      config: { policy: { kind: 'signed-in', roles: [...rolesFor('entity.read')], purpose: 'required' } },
      schema: {
        summary:
          'The case file as one PDF or self-contained HTML file, disclosed to a named recipient: summary, subjects with their sources, timeline, link chart, notes, tasks, linked cases, evidence with digests and custody, audit trail. Needs a team member who is not an observer, or a supervisor of the case organisation, working under the case itself; the SHA-256 of the file is in the x-content-sha256 header and the audit event',
        tags: ['cases'],
        params: caseParams,
        body: {
          type: 'object',
          required: ['format', 'recipient'],
          additionalProperties: false,
          properties: {
            format: { type: 'string', enum: [...CASE_FILE_FORMATS] },
            recipient: { type: 'string', maxLength: 200 },
            reason: { type: 'string', maxLength: 2000 },
          },
        },
        produces: ['application/pdf', 'text/html'],
        response: { 200: { type: 'string', format: 'binary' } },
      },
    },
    async (request, reply) => {
      const body = request.body as { format: string; recipient: string; reason?: string };
      const file = await exportCaseFile(requestContext(request, deps), { caseId: (request.params as { id: string }).id, ...body });
      return reply
        .header('content-type', file.contentType)
        .header('content-disposition', attachment(file.fileName))
        .header('x-content-type-options', 'nosniff')
        // Opened in a browser, the HTML file may load and run nothing.
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        .header('x-content-sha256', file.sha256)
        .header('cache-control', 'no-store')
        .send(Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength));
    },
  );
}
