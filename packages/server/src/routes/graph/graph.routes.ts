import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';

/** The link graph: expand, paths, neighbourhood, measures, export, saved link charts. */
export function graphRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app;
  void deps;
}
