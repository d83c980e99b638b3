export { backupStore, type BackupOptions, type BackupProgress, type BackupSummary } from './backup-store.js';
export { checkArchive, restoreStore, type RestoreOptions, type RestoreSummary } from './restore-store.js';
export { BACKUP_FORMAT, type BackupManifest } from './manifest.js';
