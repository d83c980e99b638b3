import type { CoreConfig, Store } from '@casegraph/core';

/** What every feature's routes may use. */
export interface AppDeps {
  store: Store;
  config: CoreConfig;
  version: string;
}
