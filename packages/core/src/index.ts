export {
  CaseGraphError,
  Conflict,
  DiskFull,
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
export { defaultConfig, parseConfig, DEFAULT_PURPOSES, type CoreConfig, type OidcSettings, type PurposeDefinition } from './config/config.js';
export { ANONYMOUS, createContext, withPurpose, LOCAL_OPERATOR, type Actor, type Ctx, type Purpose, type Role } from './context/context.js';
export { checkPurpose, requirePurpose, runAudited, runWithPurpose, recordDenial, type AuditedAction, type AuditedResult } from './context/purpose.js';
export { generateCheckpointKey, verifyCheckpoint, CheckpointError } from './audit/merkle/index.js';
export { loadOrCreateKeys, readKeys, sealTerms, openTerms, type AuditKeys } from './audit/keys.js';
export { checkpointAuditLog, verifyAuditLog, CHECKPOINT_ORIGIN, type AuditCheckpoint, type VerifyProblem, type VerifyReport } from './audit/verify-log.js';
export { auditLogStatus, type AuditStatus, type AuditStatusScope } from './audit/audit-status.js';
export { recordEvent, listEvents, type AuditCategory, type AuditEventInput, type AuditOutcome } from './audit/record-event.js';
export { model, getSchema, getProperty, isSchema, propertyGroup, commonSchema } from './model/index.js';
export { createDb, lockDataFolder, migrateToLatest, knownMigrations, refreshStatistics, storeUnavailableFrom, diskFullFrom, diskFullMessage, DISK_RESERVE_BYTES, APP_ROLE, type Store, type StoreOptions, type DataFolderLock, type LockOwner } from './store/index.js';
export type { Database } from './store/schema.js';
export { registerSource, getSource, listSources, SENSITIVE_CATEGORIES, type Source, type SourcePolicy } from './sources/register-source.js';
export { checkEntity, describeProblem, type EntityInput, type EntityProblem, type CheckedValue } from './entities/check-entity.js';
export { writeEntities, insertStatements, statementId, type SourcedEntity, type WriteSummary } from './entities/write-entities.js';
export { getEntity, type Entity, type EntityValue } from './entities/get-entity.js';
export * from './cases/index.js';
export * from './evidence/index.js';
export * from './timeline/index.js';
export * from './graph/index.js';
export * from './case-file/index.js';
export {
  anomalyQueue,
  DEFAULT_ANOMALY_SETTINGS,
  disclosuresOf,
  signOffAnomaly,
  userActivity,
  whoLookedUp,
  type AccessRecord,
  type Anomaly,
  type AnomalySettings,
} from './oversight/reports.js';
export { applyRetention, type RetentionResult } from './retention/apply-retention.js';
export { createUser, ROLES, type UserSummary } from './access/users.js';
export { authorizeAction, authorizeCase, caseNotFound, holdsMarkings, rolesFor, visibleCases, visibleStatements, type CaseAction, type RoleAction } from './access/authorize.js';
export { requireRole } from './access/require-role.js';
export {
  decideUnlock,
  expireUnlocks,
  listUnlocks,
  mayBeMinor,
  requestUnlock,
  sensitiveStatementsFilter,
  SPECIAL_CATEGORY_PROPERTIES,
  unlockedCategories,
  UNLOCKABLE,
  type SensitiveCategory,
  type SensitiveUnlock,
} from './access/sensitive.js';
export {
  authenticate,
  completeSignIn,
  createApiToken,
  hashToken,
  LOCKOUT_FAILURES,
  releaseAccount,
  revokeApiToken,
  setAccountDisabled,
  SIGN_IN_REFUSED,
  signInWithOidc,
  signInWithPassword,
  signOut,
  type PasswordStep,
  type SignedIn,
} from './access/sign-in.js';
export { matchTotp, newTotpSecret, totpCode, totpStep, totpUri, base32Decode, base32Encode } from './access/totp.js';
export * from './ingest/index.js';
export * from './demo/index.js';
export { isDemoLoaded, loadDemo, type DemoUser, type DemoLoadResult } from './demo/load-demo.js';
export {
  CONNECTOR_QUERY_KINDS,
  ConnectorFailure,
  MAX_CONNECTOR_RESULTS,
  type Connector,
  type ConnectorCallOptions,
  type ConnectorEntity,
  type ConnectorKind,
  type ConnectorQuery,
  type ConnectorQueryKind,
  type Provenance,
} from './connectors/connector.js';
export { parseConnectorDefinitions, type ConnectorDefinition, type HttpConnectorDefinition, type SqlConnectorDefinition, type YenteConnectorDefinition } from './connectors/definitions.js';
export { createSqlConnector, openSqlClient, type SqlClient } from './connectors/sql-connector.js';
export { createHttpConnector } from './connectors/http-connector.js';
export { createYenteConnector } from './connectors/yente-connector.js';
export { ConnectorCache } from './connectors/connector-cache.js';
export { noConnectors, openConnectors, type ConnectorSet, type OpenConnector } from './connectors/open-connectors.js';
export { fetchFromConnector, searchConnectors, type ConnectorAnswer, type ConnectorOutcome, type ConnectorSearch } from './connectors/search-connectors.js';
export { parseQuery, QUERY_FIELDS, type ParsedQuery, type QueryField, type QueryPart } from './search/query-syntax.js';
export { searchEntities, RESULT_WINDOW, type SearchInput, type SearchHit, type SearchMatch, type SearchResult, type FacetValue } from './search/search-entities.js';
export { indexValue, searchGroupOf, SEARCH_GROUPS, type IndexedValue, type SearchGroup } from './search/index-terms.js';
export { indexStatements, reindexSearch } from './search/index-statements.js';
export { tidySearchWords } from './search/search-words.js';
export type { MatchHow } from './search/score.js';
export { matchEntities, MATCHER, type MatchExample, type MatchOptions, type MatchResponse, type MatchResult } from './search/match-entities.js';
export { resolveEntities, canonicalId, loadResolutionRecords, type ResolveSummary } from './resolution/resolve-entities.js';
export { judgePair, undoJudgment, type Judgment, type Verdict } from './resolution/judgments.js';
export { exportClusters, type ClusterRow } from './resolution/export-clusters.js';
export { reviewQueue, type ReviewPair } from './resolution/review-queue.js';
export * from './backup/index.js';
export * from './live/index.js';
export { seededRandom } from './seeded-random.js';
