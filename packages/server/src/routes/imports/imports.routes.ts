import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import { Conflict, getSource, importMapped, Invalid, NotFound, parseMapping, type Mapping } from '@casegraph/core';
import type { AppDeps } from '../../app-deps.js';
import { requestContext, type RoutePolicy } from '../../plugins/route-policy.js';
import { formError, formParts } from '../multipart-form.js';

/** The largest data file an upload may carry: 4 GiB. */
const MAX_UPLOAD_BYTES = 4 * 2 ** 30;

/** An import running in this process: how to stop it, and its live rate. */
interface Running {
  controller: AbortController;
  startedAt: number;
  rows: number;
  statements: number;
  /** Share of the uploaded file read, 0 to 1. */
  fraction: number;
  folder: string;
}

const jobShape = {
  type: 'object',
  required: ['id', 'source', 'status', 'rows', 'startedAt'],
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    description: { type: 'string' },
    status: { type: 'string', enum: ['running', 'done', 'failed', 'cancelled'] },
    rows: { type: 'integer' },
    rowsPerSecond: { type: ['number', 'null'] },
    /** Share of the data read, 0 to 1, while the job runs here; 1 once done. */
    fractionDone: { type: ['number', 'null'] },
    statements: { type: ['integer', 'null'] },
    failedRows: { type: ['integer', 'null'] },
    failures: { type: 'array', items: { type: 'object', properties: { file: { type: 'string' }, row: { type: 'integer' }, column: { type: ['string', 'null'] }, reason: { type: 'string' } } } },
    startedAt: { type: 'string', format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

/**
 * The name an uploaded file is kept under while its import runs: its own name (its extension
 * tells the format), refused when it could not be a file's name on disk.
 */
function uploadedFileName(raw: string, fallback: string, field: string): string {
  const name = basename(raw || fallback).trim();
  // eslint-disable-next-line no-control-regex
  if (name === '' || name === '.' || name === '..' || /[\u0000-\u001f\u007f]/.test(name) || Buffer.byteLength(name) > 255) {
    throw new Invalid(`the ${field} file's name must be a file name of at most 255 bytes without control characters`);
  }
  return name;
}

/** Imports over HTTP: upload a data file with its mapping, follow the job, cancel it. */
export function importsRoutes(app: FastifyInstance, deps: AppDeps): void {
  const running = new Map<string, Running>();
  const uploads = deps.uploadDir ?? join(tmpdir(), 'casegraph-uploads');
  const policy: RoutePolicy = { kind: 'signed-in', roles: ['administrator', 'analyst', 'supervisor'], purpose: 'required' };

  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 2, fields: 4, parts: 6 } });
    scope.post(
      '/api/imports',
      {
        config: { policy },
        schema: {
          summary: 'Upload a data file (CSV, JSON, JSON lines) with its FtM mapping as multipart fields "source", "mapping" and "data"; the import runs as a job',
          tags: ['imports'],
          consumes: ['multipart/form-data'],
          response: { 202: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } } },
        },
      },
      async (request, reply) => {
        const ctx = requestContext(request, deps);
        const folder = join(uploads, randomUUID());
        mkdirSync(folder, { recursive: true });
        let sourceId: string | undefined;
        let mapping: Mapping | undefined;
        let mappingName = 'mapping.yml';
        let dataPath: string | undefined;
        try {
          for await (const part of formParts(request)) {
            if (part.type === 'field') {
              if (part.fieldname === 'source' && typeof part.value === 'string') sourceId = part.value;
              continue;
            }
            if (part.fieldname === 'mapping') {
              mappingName = uploadedFileName(part.filename, 'mapping.yml', 'mapping');
              mapping = parseMapping((await part.toBuffer()).toString('utf8'), { fileName: mappingName });
            } else if (part.fieldname === 'data') {
              dataPath = join(folder, uploadedFileName(part.filename, 'data.csv', 'data'));
              await pipeline(part.file, createWriteStream(dataPath));
              if (part.file.truncated) throw new Invalid(`the data file is larger than the ${MAX_UPLOAD_BYTES / 2 ** 30} GiB an upload may be`);
            } else {
              throw new Invalid(`unexpected file field "${part.fieldname}": send "mapping" and "data"`);
            }
          }
          if (sourceId === undefined) throw new Invalid('name the registered source in the "source" field');
          if (mapping === undefined) throw new Invalid('send the FtM mapping (YAML) in the "mapping" field');
          if (dataPath === undefined) throw new Invalid('send the data file in the "data" field');
          await getSource(deps.store.db, sourceId);
        } catch (error) {
          rmSync(folder, { recursive: true, force: true });
          throw formError(error);
        }
        const controller = new AbortController();
        const live: Running = { controller, startedAt: Date.now(), rows: 0, statements: 0, fraction: 0, folder };
        const jobId = await new Promise<string>((resolve, reject) => {
          importMapped(ctx, {
            sourceId,
            mapping,
            mappingPath: join(folder, mappingName),
            dataFile: dataPath,
            signal: controller.signal,
            onJob: (id) => {
              running.set(id, live);
              resolve(id);
            },
            onProgress: (p) => {
              live.rows = p.rows;
              live.statements = p.statements;
              live.fraction = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 1;
            },
          })
            .catch((error: unknown) => {
              request.log.warn({ err: error }, 'import ended with an error');
              reject(error instanceof Error ? error : new Error(String(error)));
            })
            .finally(() => {
              for (const [id, entry] of running) if (entry === live) running.delete(id);
              rmSync(folder, { recursive: true, force: true });
            });
        });
        return reply.status(202).send({ id: jobId });
      },
    );
  });

  const jobParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

  const findJob = async (ctx: ReturnType<typeof requestContext>, id: string) => {
    let query = deps.store.db.selectFrom('import_jobs').selectAll().where('id', '=', id);
    // A job is seen by whoever started it, and by administrators.
    if (!ctx.actor.roles.includes('administrator')) query = query.where('started_by', '=', ctx.actor.userId);
    const job = await query.executeTakeFirst();
    if (job === undefined) throw new NotFound(`import ${id} not found`);
    return job;
  };

  app.get(
    '/api/imports/:id',
    { config: { policy: { kind: 'signed-in', roles: ['administrator', 'analyst', 'supervisor'] } }, schema: { summary: "An import's progress: rows done, rate, errors", tags: ['imports'], params: jobParams, response: { 200: jobShape } } },
    async (request) => {
      const ctx = requestContext(request, deps);
      const job = await findJob(ctx, (request.params as { id: string }).id);
      const live = running.get(job.id);
      const summary = (job.summary ?? {}) as { rows?: number; resumedRows?: number; statements?: number; failedRows?: number; failures?: unknown[] };
      const rows = live?.rows ?? (summary.rows ?? 0) + (summary.resumedRows ?? 0);
      const seconds = live ? (Date.now() - live.startedAt) / 1000 : job.finished_at ? (job.finished_at.getTime() - job.started_at.getTime()) / 1000 : null;
      return {
        id: job.id,
        source: job.source_id,
        description: job.description,
        status: job.status,
        rows,
        rowsPerSecond: seconds !== null && seconds > 0 ? Math.round(rows / seconds) : null,
        fractionDone: live ? Math.round(live.fraction * 1000) / 1000 : job.status === 'done' ? 1 : null,
        statements: live?.statements ?? summary.statements ?? null,
        failedRows: summary.failedRows ?? null,
        failures: (summary.failures ?? []) as object[],
        startedAt: job.started_at.toISOString(),
        finishedAt: job.finished_at?.toISOString() ?? null,
      };
    },
  );

  app.delete(
    '/api/imports/:id',
    { config: { policy: { kind: 'signed-in', roles: ['administrator', 'analyst', 'supervisor'] } }, schema: { summary: 'Cancel a running import (it can be started again and resumes)', tags: ['imports'], params: jobParams, response: { 202: { type: 'null' } } } },
    async (request, reply) => {
      const ctx = requestContext(request, deps);
      const job = await findJob(ctx, (request.params as { id: string }).id);
      const live = running.get(job.id);
      if (live === undefined) throw new Conflict(`import ${job.id} is not running here (it is ${job.status})`);
      live.controller.abort();
      return reply.status(202).send();
    },
  );
}
