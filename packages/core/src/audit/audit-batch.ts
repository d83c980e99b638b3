import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { appendInOneStatement, appendLeaves, type AuditRow } from './leaf.js';

// Events one transaction appends at most.
const MAX_BATCH = 500;

interface Waiting {
  row: Omit<AuditRow, 'seq'>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Appends consultations' audit events of one process in batches: every event waiting when a
 * batch starts goes into one statement on a connection of its own (the store's `audit_append`,
 * committed by itself), and each caller is answered once its event is committed. The audit
 * head is one row, so each append waits for the one before; batching lets a busy server log
 * hundreds of reads for the price of one. Changes do not come here: a change and its event
 * commit in the same transaction.
 */
export class AuditBatcher {
  private queue: Waiting[] = [];
  private draining: Promise<void> | null = null;
  private closed = false;
  /** Transactions committed and events they carried, for figures and tests. */
  readonly stats = { batches: 0, events: 0 };

  constructor(private readonly db: Kysely<Database>) {}

  /** Resolves once the event is in the log, or rejects with the store's error (nothing of the batch is). */
  append(row: Omit<AuditRow, 'seq'>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the audit log of this process is closed'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const rows = batch.map((w) => w.row);
          // One statement, its own transaction; a store without an audit head yet has it made in a transaction first.
          if ((await appendInOneStatement(this.db, rows)) === null) await this.db.transaction().execute((trx) => appendLeaves(trx, rows));
          this.stats.batches++;
          this.stats.events += batch.length;
          for (const waiting of batch) waiting.resolve();
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      this.draining = null;
    }
  }

  /** Waits for the events already given, then refuses more. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.draining !== null) await this.draining;
  }
}
