import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';

/** Evidence files, custody and annotations. */
export function evidenceRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app;
  void deps;
}
