export { dialects, openTestStore, testContext, FIXED_NOW, type Dialect } from './test-store.js';
export { FEBRL_MAPPING } from './febrl-mapping.js';
export { fuzzRuns, fuzzRouteRuns, fuzzTimeout, withinBudget, parsesOrRefuses, OverBudget } from './fuzz.js';
export { createPgCluster, findPgBin, freePort, type PgCluster, type PgClusterOptions } from './pg-cluster.js';
export { mountSmallDisk, smallDiskSupport, type SmallDisk } from './small-disk.js';
export { databaseUrl, withServer } from './postgres-databases.js';
