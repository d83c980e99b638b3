/** Reports progress of long work: a live bar in a terminal, plain lines elsewhere. */
export interface Progress {
  /** `approximate` marks a total that is an estimate (rows from the share of bytes read). */
  update(done: number, total?: number, options?: { approximate?: boolean }): void;
  finish(message?: string): void;
}

/** How often plain progress lines are written when stderr is not a terminal (CASEGRAPH_PROGRESS_MS, default 5 s). */
function plainInterval(): number {
  const value = Number(process.env.CASEGRAPH_PROGRESS_MS);
  return Number.isFinite(value) && value > 0 ? value : 5000;
}

/** A progress reporter for `label` writing to stderr. */
export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const every = plainInterval();
  const started = Date.now();
  let lastPlain = 0;
  let lastDraw = 0;
  let lastPlainDone = -1;
  const line = (done: number, total?: number, approximate = false) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = done / seconds;
    const parts = [`${label}: ${done.toLocaleString('en')}${total ? ` of ${approximate ? '~' : ''}${total.toLocaleString('en')}` : ''}`, `${Math.round(rate).toLocaleString('en')}/s`];
    if (total && rate > 0) parts.push(`${formatDuration((total - done) / rate)} left`);
    return { parts, fraction: total ? Math.min(done / total, 1) : undefined };
  };
  return {
    update(done, total, options) {
      const approximate = options?.approximate === true;
      const now = Date.now();
      if (stream.isTTY) {
        if (now - lastDraw < 100) return;
        lastDraw = now;
        const { parts, fraction } = line(done, total, approximate);
        const width = 24;
        const bar = fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] `;
        stream.write(`\r\u001b[2K${bar}${parts.join('  ')}`);
      } else if (done !== lastPlainDone && (now - lastPlain >= every || (total !== undefined && done >= total))) {
        lastPlain = now;
        lastPlainDone = done;
        stream.write(`${line(done, total, approximate).parts.join(', ')}\n`);
      }
    },
    finish(message) {
      if (stream.isTTY) stream.write('\r\u001b[2K');
      if (message !== undefined) stream.write(`${message}\n`);
    },
  };
}

/** "1h 02m", "3m 05s", "12s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}
