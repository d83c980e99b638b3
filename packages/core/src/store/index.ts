export { createDb, type Store, type StoreOptions } from './create-db.js';
export { storeUnavailableFrom } from './connection-lost.js';
export { diskFullFrom, diskFullMessage, DISK_RESERVE_BYTES } from './disk-full.js';
export { lockDataFolder, type DataFolderLock, type LockOwner } from './data-folder-lock.js';
export { migrateToLatest, knownMigrations, APP_ROLE } from './migrate.js';
export type * from './schema.js';
export { refreshStatistics } from './statistics.js';
