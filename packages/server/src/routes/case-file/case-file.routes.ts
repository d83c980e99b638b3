import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';

/** The case file export (PDF and HTML). */
export function caseFileRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app;
  void deps;
}
