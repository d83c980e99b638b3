import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** How long a session's use waits to be written with others'. */
export const TOUCH_WRITE_MS = 1_000;

/**
 * When sessions were last used, written a second at a time in one statement. A session's idle
 * time counts from its last use, written at most every 30 s of use; with many sessions each used
 * now and then (ten thousand analysts, each a request a minute) nearly every request wrote its
 * session's row alone, a statement and a commit of its own. A use not yet written still counts
 * for the idle check in this process (`pendingUse`). A store that cannot be written keeps the uses
 * for the next try; a process that stops loses at most the last second of them, which only lets
 * a session end as idle a second early.
 */
export class SessionTouches {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private closed = false;
  /** Statements written and sessions they moved, for figures and tests. */
  readonly stats = { writes: 0, sessions: 0 };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly everyMs = TOUCH_WRITE_MS,
  ) {}

  /** Notes that a session was used at `at`; written within a second, with the others. */
  touch(sessionId: string, at: Date): void {
    const known = this.pending.get(sessionId);
    if (known === undefined || known < at) this.pending.set(sessionId, at);
    this.schedule();
  }

  /** The last use of a session in this process not written yet. */
  pendingUse(sessionId: string): Date | undefined {
    return this.pending.get(sessionId);
  }

  /** Writes the uses noted so far (the one statement, its own transaction). */
  async flush(): Promise<void> {
    while (this.writing !== null) await this.writing;
    if (this.pending.size === 0) return;
    const uses = this.pending;
    this.pending = new Map();
    const write = (async () => {
      try {
        const ids = [...uses.keys()];
        const times = [...uses.values()].map((at) => at.toISOString());
        // A use never moves a session's last use back (another process may have written a later one).
        await sql`update sessions set last_used_at = greatest(sessions.last_used_at, u.at)
          from unnest(${ids}::text[], ${times}::timestamptz[]) as u(id, at) where sessions.id = u.id`.execute(this.db);
        this.stats.writes++;
        this.stats.sessions += ids.length;
      } catch (error) {
        // Kept for the next try, unless a later use came in meanwhile.
        for (const [id, at] of uses) if (!this.pending.has(id)) this.pending.set(id, at);
        if (!this.closed) this.schedule();
        throw error;
      }
    })();
    this.writing = write.finally(() => (this.writing = null)).catch(() => undefined);
    await write;
  }

  /** Writes what is noted and stops. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private schedule(): void {
    if (this.timer !== null || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failed write is kept and tried again at the next tick; the requests never wait for it.
      this.flush().catch(() => undefined);
    }, this.everyMs);
    this.timer.unref();
  }
}
