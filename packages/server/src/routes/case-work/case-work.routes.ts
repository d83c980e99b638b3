import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app-deps.js';

/** Case work: workflow, team, subjects, tasks, notes, links, overlaps, timeline. */
export function caseWorkRoutes(app: FastifyInstance, deps: AppDeps): void {
  void app;
  void deps;
}
