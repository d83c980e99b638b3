import type { AuditKeys, CoreConfig, Store } from '@casegraph/core';

/** What every feature's routes may use. */
export interface AppDeps {
  store: Store;
  config: CoreConfig;
  version: string;
  /** The deployment's keys (checkpoint signing, query-term sealing), when the server has them. */
  keys?: AuditKeys;
  /** Where uploaded files wait while they are imported (default: the system's temporary folder). */
  uploadDir?: string;
}
