import { type WriteStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';

const CHUNK = 1 << 16;

/**
 * Text written to a file in large chunks, waiting for the stream to drain whenever the operating
 * system falls behind, so memory stays flat however much is written.
 */
export class FileSink {
  readonly path: string;
  private readonly stream: WriteStream;
  private buffer = '';
  private failure: Error | null = null;

  constructor(path: string) {
    this.path = path;
    this.stream = createWriteStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  /** Queues text; call flush() once full is true. */
  write(text: string): void {
    this.buffer += text;
  }

  /** True when enough is queued to be worth handing to the stream. */
  get full(): boolean {
    return this.buffer.length >= CHUNK;
  }

  /** Hands queued text to the stream and waits for it to drain if it asks us to. */
  async flush(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.buffer === '') return;
    const text = this.buffer;
    this.buffer = '';
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
    });
    if (this.failure !== null) throw this.failure;
  }
}

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, quoted as RFC 4180 requires. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
