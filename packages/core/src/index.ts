export {
  CaseGraphError,
  Conflict,
  Forbidden,
  Invalid,
  NotFound,
  PurposeRequired,
  StoreLocked,
  StoreUnavailable,
  Unauthenticated,
  isCaseGraphError,
  type ErrorCode,
} from './errors.js';
export { defaultConfig, parseConfig, DEFAULT_PURPOSES, type CoreConfig, type PurposeDefinition } from './config/config.js';
export { createContext, withPurpose, LOCAL_OPERATOR, type Actor, type Ctx, type Purpose, type Role } from './context/context.js';
export { requirePurpose, runAudited, runWithPurpose, recordDenial, type AuditedAction, type AuditedResult } from './context/purpose.js';
export { recordEvent, listEvents, type AuditCategory, type AuditEventInput, type AuditOutcome } from './audit/record-event.js';
export { model, getSchema, getProperty, isSchema, propertyGroup, commonSchema } from './model/index.js';
export { createDb, lockDataFolder, migrateToLatest, knownMigrations, APP_ROLE, type Store, type StoreOptions, type DataFolderLock, type LockOwner } from './store/index.js';
export type { Database } from './store/schema.js';
export { registerSource, getSource, listSources, SENSITIVE_CATEGORIES, type Source, type SourcePolicy } from './sources/register-source.js';
export { checkEntity, describeProblem, type EntityInput, type EntityProblem, type CheckedValue } from './entities/check-entity.js';
export { writeEntities, insertStatements, statementId, type SourcedEntity, type WriteSummary } from './entities/write-entities.js';
export { getEntity, type Entity, type EntityValue } from './entities/get-entity.js';
export { createCase, type CaseSummary } from './cases/create-case.js';
export { createUser, ROLES, type UserSummary } from './access/users.js';
export { requireRole } from './access/require-role.js';
export * from './ingest/index.js';
export * from './demo/index.js';
export { isDemoLoaded, loadDemo, type DemoUser, type DemoLoadResult } from './demo/load-demo.js';
