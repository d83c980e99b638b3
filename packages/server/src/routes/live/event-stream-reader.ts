/** One frame of a Server-Sent Events stream: its `event:` name (or `comment` for a `:` line) and `data:`. */
export interface EventStreamFrame {
  event: string;
  data: string;
}

/** An event stream being read: the frames so far, and how to stop. */
export interface EventStreamReading {
  frames: EventStreamFrame[];
  /** Settles when the server ends the stream ('ended') or the reader stops ('stopped'). */
  done: Promise<'ended' | 'stopped'>;
  /** Waits for a frame that satisfies `match`, failing after `timeoutMs`. */
  next(match: (frame: EventStreamFrame) => boolean, timeoutMs?: number): Promise<EventStreamFrame>;
}

/**
 * Reads a `text/event-stream` body frame by frame (tests and the load generator; browsers have
 * EventSource). Comment lines become frames named `comment`.
 * @example const reading = readEventStream(await fetch(url, { headers, signal })); await reading.next((f) => f.event === 'case-changed');
 */
export function readEventStream(response: Response): EventStreamReading {
  const frames: EventStreamFrame[] = [];
  const waiting = new Set<() => void>();
  const body = response.body;
  const done = (async (): Promise<'ended' | 'stopped'> => {
    if (body === null) return 'ended';
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done: finished, value } = (await reader.read()) as { done: boolean; value?: Uint8Array };
        if (finished) return 'ended';
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frames.push({ event: 'comment', data: line.slice(1).trim() });
            else if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trim());
          }
          if (data.length > 0) frames.push({ event, data: data.join('\n') });
          for (const wake of waiting) wake();
        }
      }
    } catch {
      return 'stopped';
    } finally {
      for (const wake of waiting) wake();
    }
  })();
  let settled = false;
  void done.then(() => (settled = true));
  return {
    frames,
    done,
    next: (match, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.find(match);
          if (found !== undefined) {
            cleanup();
            resolve(found);
          } else if (settled) {
            cleanup();
            reject(new Error(`the stream ended without the frame; it had ${JSON.stringify(frames)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no such frame within ${timeoutMs} ms; the stream had ${JSON.stringify(frames)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiting.delete(check);
        };
        waiting.add(check);
        void done.then(check);
        check();
      }),
  };
}
