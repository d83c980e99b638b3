import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Invalid } from '../errors.js';

// The backup archive is a plain POSIX (ustar) tar, so an operator can list or unpack it with
// `tar`; sizes past 8 GiB use the base-256 size field GNU tar and bsdtar read.

const BLOCK = 512;
const MAX_OCTAL_SIZE = 8 ** 11 - 1;

/** One member of a tar archive: where its bytes start and how many there are. */
export interface TarMember {
  name: string;
  type: 'file' | 'directory';
  mode: number;
  size: number;
  /** Offset of the first data byte in the file. */
  offset: number;
}

function header(name: string, size: number, type: 'file' | 'directory', mode: number, mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new Error(`archive member name too long: ${name}`);
  block.write(name, 0, 100, 'utf8');
  block.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 8, 'ascii');
  block.write('0000000\0', 108, 8, 'ascii');
  block.write('0000000\0', 116, 8, 'ascii');
  if (size <= MAX_OCTAL_SIZE) {
    block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  } else {
    block[124] = 0x80;
    block.writeBigUInt64BE(BigInt(size), 128);
  }
  block.write(`${Math.floor(mtime.getTime() / 1000).toString(8).padStart(11, '0')}\0`, 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii');
  block.write(type === 'directory' ? '5' : '0', 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** A tar archive being written to a file, member by member; every member's SHA-256 is taken as it is written. */
export class TarWriter {
  #position = 0;
  readonly #file: FileHandle;

  private constructor(file: FileHandle) {
    this.#file = file;
  }

  /** Creates the file (failing if it exists) and starts an empty archive in it. */
  static async create(path: string): Promise<TarWriter> {
    return new TarWriter(await open(path, 'wx', 0o600));
  }

  /** Writes a member held in memory. */
  async addBuffer(name: string, bytes: Buffer, mtime: Date): Promise<{ sha256: string; bytes: number }> {
    return this.addStream(name, [bytes], mtime);
  }

  /**
   * Writes a member from a stream of unknown length: a placeholder header first, the data, then
   * the real header over the placeholder once the size is known.
   */
  async addStream(name: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, mtime: Date, onBytes?: (bytes: number) => void): Promise<{ sha256: string; bytes: number }> {
    const headerAt = this.#position;
    await this.#write(Buffer.alloc(BLOCK));
    const hash = createHash('sha256');
    const dataStart = this.#position;
    for await (const chunk of chunks) {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      hash.update(bytes);
      await this.#write(bytes);
      onBytes?.(this.#position - dataStart);
    }
    const size = this.#position - dataStart;
    await this.#write(Buffer.alloc(padding(size)));
    await this.#file.write(header(name, size, 'file', 0o600, mtime), 0, BLOCK, headerAt);
    return { sha256: hash.digest('hex'), bytes: size };
  }

  /** Ends the archive (two zero blocks), syncs it to disk and returns its size in bytes. */
  async finish(): Promise<number> {
    await this.#write(Buffer.alloc(2 * BLOCK));
    await this.#file.sync();
    await this.#file.close();
    return this.#position;
  }

  /** Closes the file after a failure. */
  async abort(): Promise<void> {
    await this.#file.close().catch(() => undefined);
  }

  async #write(bytes: Buffer): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.#file.write(bytes, done, bytes.length - done, this.#position + done);
      done += bytesWritten;
    }
    this.#position += bytes.length;
  }
}

/** The SHA-256 of a file, or of `length` bytes of it from `start`, read as a stream. */
export async function hashFile(path: string, range?: { start: number; length: number }, onBytes?: (bytes: number) => void): Promise<string> {
  const hash = createHash('sha256');
  if (range !== undefined && range.length === 0) return hash.digest('hex');
  const stream = createReadStream(path, range === undefined ? {} : { start: range.start, end: range.start + range.length - 1 });
  let read = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    read += (chunk as Buffer).length;
    onBytes?.(read);
  }
  return hash.digest('hex');
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number, what: string): number {
  if ((block[start] ?? 0) & 0x80) {
    let value = 0n;
    for (let i = start + 1; i < start + length; i++) value = (value << 8n) | BigInt(block[i] ?? 0);
    return Number(value);
  }
  const raw = text(block, start, length).trim();
  if (raw === '') return 0;
  if (!/^[0-7]+$/.test(raw)) throw new Invalid(`the archive is corrupt: a ${what} field is not a number`);
  return parseInt(raw, 8);
}

/**
 * Lists the members of a tar held in `length` bytes of a file from `start`. Strict reading (for
 * the backup archive itself) also demands zero padding and nothing but zeros after the end, so a
 * single changed byte anywhere is caught: in a header by its checksum, in data by the member's digest.
 */
export async function listTar(path: string, options: { start?: number; length?: number; strict?: boolean } = {}): Promise<TarMember[]> {
  const file = await open(path, 'r');
  try {
    const start = options.start ?? 0;
    const end = start + (options.length ?? (await file.stat()).size - start);
    const members: TarMember[] = [];
    let at = start;
    let longName: string | undefined;
    const read = async (position: number, length: number): Promise<Buffer> => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await file.read(buffer, 0, length, position);
      if (bytesRead < length) throw new Invalid('the archive is truncated: it ends inside a member');
      return buffer;
    };
    for (;;) {
      if (at + BLOCK > end) throw new Invalid('the archive is truncated: its end marker is missing');
      const block = await read(at, BLOCK);
      if (block.every((b) => b === 0)) {
        if (options.strict === true) {
          if (at + 2 * BLOCK > end) throw new Invalid('the archive is truncated: its end marker is missing');
          const rest = await read(at, end - at);
          if (!rest.every((b) => b === 0)) throw new Invalid('the archive is corrupt: there are bytes after its end');
        }
        return members;
      }
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
      if (octal(block, 148, 8, 'checksum') !== sum) throw new Invalid(`the archive is corrupt: a member header at byte ${at} fails its checksum`);
      const size = octal(block, 124, 12, 'size');
      const typeFlag = String.fromCharCode(block[156] ?? 0);
      const prefix = text(block, 345, 155);
      const name = longName ?? (prefix !== '' ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
      longName = undefined;
      const offset = at + BLOCK;
      if (offset + size + (options.strict === true ? padding(size) : 0) > end) throw new Invalid('the archive is truncated: it ends inside a member');
      if (options.strict === true && padding(size) > 0) {
        const pad = await read(offset + size, padding(size));
        if (!pad.every((b) => b === 0)) throw new Invalid(`the archive is corrupt: padding after ${name} is not empty`);
      }
      if (typeFlag === 'L') {
        longName = text(await read(offset, size), 0, size);
      } else if (typeFlag === '0' || typeFlag === '\0' || typeFlag === '5') {
        members.push({ name, type: typeFlag === '5' ? 'directory' : 'file', mode: octal(block, 100, 8, 'mode'), size, offset });
      } else if (typeFlag !== 'x' && typeFlag !== 'g') {
        throw new Invalid(`the archive holds a member of a kind a backup never holds (${JSON.stringify(typeFlag)}): ${name}`);
      }
      at = offset + size + padding(size);
    }
  } finally {
    await file.close();
  }
}

/** The bytes of a small member (the manifest), read whole. */
export async function readMember(path: string, member: TarMember): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(member.size);
    await file.read(buffer, 0, member.size, member.offset);
    return buffer;
  } finally {
    await file.close();
  }
}

/** Reads exact byte counts from a stream of chunks. */
class ChunkReader {
  #buffered: Buffer[] = [];
  #length = 0;
  readonly #source: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.#source = source[Symbol.asyncIterator]();
  }

  /** Up to `max` bytes (at least one), or null at the end of the stream. */
  async some(max: number): Promise<Buffer | null> {
    if (this.#length === 0) {
      const next = await this.#source.next();
      if (next.done === true) return null;
      this.#buffered.push(next.value);
      this.#length += next.value.length;
    }
    const first = this.#buffered[0] as Buffer;
    if (first.length <= max) {
      this.#buffered.shift();
      this.#length -= first.length;
      return first;
    }
    this.#buffered[0] = first.subarray(max);
    this.#length -= max;
    return first.subarray(0, max);
  }

  /** Exactly `n` bytes; throws when the stream ends first. */
  async exactly(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const part = await this.some(n - got);
      if (part === null) throw new Invalid('the archive is truncated: the store data ends inside a file');
      parts.push(part);
      got += part.length;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }
}

/**
 * Unpacks a gzipped tar held in `range` of a file into `folder`, streaming; a member naming a path
 * outside the folder, or of a kind other than file and folder, is refused.
 */
export async function extractTarGz(path: string, range: { start: number; length: number }, folder: string, onBytes?: (bytes: number) => void): Promise<number> {
  let read = 0;
  const input = createReadStream(path, { start: range.start, end: range.start + range.length - 1 });
  input.on('data', (chunk) => {
    read += chunk.length;
    onBytes?.(read);
  });
  const gunzip = input.pipe(createGunzip());
  try {
    return await extractEntries(new ChunkReader(gunzip), folder);
  } finally {
    input.destroy();
    gunzip.destroy();
  }
}

async function extractEntries(reader: ChunkReader, folder: string): Promise<number> {
  let files = 0;
  let longName: string | undefined;
  for (;;) {
    const block = await reader.exactly(BLOCK);
    if (block.every((b) => b === 0)) return files;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] as number);
    if (octal(block, 148, 8, 'checksum') !== sum) throw new Invalid('the archive is corrupt: a header of the store data fails its checksum');
    const size = octal(block, 124, 12, 'size');
    const typeFlag = String.fromCharCode(block[156] ?? 0);
    const prefix = text(block, 345, 155);
    const name = longName ?? (prefix !== '' ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
    longName = undefined;
    const parts = name.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.some((part) => part === '..')) throw new Invalid(`the archive names a path outside the store: ${name}`);
    const target = join(folder, ...parts);
    if (typeFlag === '5') {
      await mkdir(target, { recursive: true, mode: 0o700 });
    } else if (typeFlag === '0' || typeFlag === '\0' || typeFlag === 'L' || typeFlag === 'x' || typeFlag === 'g') {
      const keep = typeFlag === '0' || typeFlag === '\0';
      if (keep) await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      const output = keep ? createWriteStream(target, { mode: 0o600 }) : undefined;
      const held: Buffer[] = [];
      let left = size;
      while (left > 0) {
        const part = await reader.some(left);
        if (part === null) throw new Invalid('the archive is truncated: the store data ends inside a file');
        left -= part.length;
        if (output !== undefined) {
          if (!output.write(part)) await once(output, 'drain');
        } else held.push(part);
      }
      if (output !== undefined) {
        output.end();
        await finished(output);
        files++;
      }
      if (typeFlag === 'L') longName = text(Buffer.concat(held), 0, size);
      await reader.exactly(padding(size));
    } else {
      throw new Invalid(`the store data holds a member of a kind a store never holds (${JSON.stringify(typeFlag)}): ${name}`);
    }
  }
}
