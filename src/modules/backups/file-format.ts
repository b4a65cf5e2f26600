/**
 * The backup file container. A backup is a stream of text lines compressed with gzip:
 *
 * - without BACKUP_ENCRYPTION_KEY the file is exactly that gzip stream (`zcat file | head -1` shows the
 *   header);
 * - with a key it is `FDBKENC1`, a version byte, a 16-byte scrypt salt, a 12-byte IV and a 16-byte key
 *   check, then the gzip stream encrypted with AES-256-GCM (the prefix is authenticated too), then the
 *   16-byte GCM tag. The key check tells a wrong key at once; the tag tells any change of the file.
 *
 * Writing: the lines after the header go to a spool file first (encrypted with a one-time key, so no
 * personal data is ever on disk in clear when a key is configured), because the header carries the
 * row counts and checksums only known at the end. The final file is then assembled under a temporary
 * name, fsynced and renamed into place: a crash never leaves a half file under a backup's name.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { pipeline, type Readable, type Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import zlib from 'node:zlib';
import { BackupKeyError, BackupNotFoundError, BackupUnreadableError } from './errors.js';

const MAGIC = Buffer.from('FDBKENC1', 'latin1');
const CONTAINER_VERSION = 1;
const SALT_LENGTH = 16;
const IV_LENGTH = 12;
const CHECK_LENGTH = 16;
const TAG_LENGTH = 16;
const PREFIX_LENGTH = MAGIC.length + 1 + SALT_LENGTH + IV_LENGTH + CHECK_LENGTH;
/** No line of a backup is longer (rows are single lines; files are split into short lines). */
const MAX_LINE_CHARS = 64 * 1024 * 1024;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 96 * 1024 * 1024 };

async function deriveKeys(secret: string, salt: Buffer): Promise<{ aes: Buffer; check: Buffer }> {
  const material = await new Promise<Buffer>((resolve, reject) =>
    crypto.scrypt(secret, salt, 64, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  );
  const check = crypto
    .createHmac('sha256', material.subarray(32))
    .update('frontdesk-backup-key-check')
    .digest()
    .subarray(0, CHECK_LENGTH);
  return { aes: material.subarray(0, 32), check };
}

/** True when the file starts like an encrypted backup (no key needed to tell). */
export async function isEncryptedFile(file: string): Promise<boolean> {
  const fh = await fsp.open(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    const { bytesRead } = await fh.read(head, 0, MAGIC.length, 0);
    return bytesRead === MAGIC.length && head.equals(MAGIC);
  } finally {
    await fh.close();
  }
}

async function write(stream: Writable, chunk: string | Buffer): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

/** Lines written to a temporary spool file (gzip, then a one-time AES-256-CTR key). */
export class BodySpool {
  readonly file: string;
  private readonly key = crypto.randomBytes(32);
  private readonly iv = crypto.randomBytes(16);
  private readonly gzip = zlib.createGzip({ level: 6 });
  private readonly done: Promise<void>;
  bytesIn = 0;

  constructor(dir: string) {
    this.file = path.join(dir, `.frontdesk-${crypto.randomUUID()}.spool.tmp`);
    const out = fs.createWriteStream(this.file, { flags: 'wx', mode: 0o600 });
    const cipher = crypto.createCipheriv('aes-256-ctr', this.key, this.iv);
    this.done = new Promise((resolve, reject) =>
      pipeline(this.gzip, cipher, out, (err) => (err ? reject(err) : resolve())),
    );
    // The pipeline promise is awaited in close(); a failure before that must not go unhandled.
    this.done.catch(() => undefined);
  }

  async line(text: string): Promise<void> {
    this.bytesIn += text.length + 1;
    await write(this.gzip, `${text}\n`);
  }

  /** Several lines in one write. */
  async lines(texts: string[]): Promise<void> {
    if (texts.length === 0) return;
    const block = `${texts.join('\n')}\n`;
    this.bytesIn += block.length;
    await write(this.gzip, block);
  }

  async close(): Promise<void> {
    this.gzip.end();
    await this.done;
  }

  /** The gzip bytes of the lines, decrypted from the spool. */
  read(): Readable {
    const decipher = crypto.createDecipheriv('aes-256-ctr', this.key, this.iv);
    return pipeline(fs.createReadStream(this.file), decipher, () => undefined);
  }

  async remove(): Promise<void> {
    await fsp.rm(this.file, { force: true });
  }
}

export interface WrittenFile {
  size: number;
  sha256: string;
  encrypted: boolean;
}

/**
 * Writes `header` and then the spooled lines to `target` (encrypted when a key is given), through a
 * temporary file that is fsynced and renamed into place.
 */
export async function assembleBackup(
  target: string,
  header: string,
  spool: BodySpool,
  encryptionKey: string | undefined,
): Promise<WrittenFile> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.frontdesk-${crypto.randomUUID()}.tmp`);
  const hash = crypto.createHash('sha256');
  let size = 0;
  const fh = await fsp.open(temp, 'wx', 0o600);
  const put = async (data: Buffer) => {
    if (data.length === 0) return;
    hash.update(data);
    size += data.length;
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await fh.write(data, offset, data.length - offset);
      offset += bytesWritten;
    }
  };
  try {
    let encrypt: ((chunk: Buffer) => Buffer) | undefined;
    let finish: (() => Buffer) | undefined;
    if (encryptionKey) {
      const salt = crypto.randomBytes(SALT_LENGTH);
      const iv = crypto.randomBytes(IV_LENGTH);
      const keys = await deriveKeys(encryptionKey, salt);
      const prefix = Buffer.concat([MAGIC, Buffer.from([CONTAINER_VERSION]), salt, iv, keys.check]);
      const cipher = crypto.createCipheriv('aes-256-gcm', keys.aes, iv);
      cipher.setAAD(prefix);
      await put(prefix);
      encrypt = (chunk) => cipher.update(chunk);
      finish = () => Buffer.concat([cipher.final(), cipher.getAuthTag()]);
    }
    const emit = (chunk: Buffer) => put(encrypt ? encrypt(chunk) : chunk);
    await emit(zlib.gzipSync(`${header}\n`));
    for await (const chunk of spool.read()) await emit(chunk as Buffer);
    if (finish) await put(finish());
    await fh.sync();
    await fh.close();
    await fsp.rename(temp, target);
    await syncDirectory(dir);
    return { size, sha256: hash.digest('hex'), encrypted: Boolean(encryptionKey) };
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fsp.rm(temp, { force: true });
    throw err;
  }
}

/** Makes a rename in the directory durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
  } finally {
    await handle.close();
  }
}

function unreadable(err: unknown): Error {
  if (err instanceof BackupUnreadableError || err instanceof BackupKeyError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (/unable to authenticate/i.test(message)) {
    return new BackupUnreadableError(
      'The backup file is damaged or was changed after it was written (its authentication tag does not match).',
    );
  }
  if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(message)) {
    return new BackupUnreadableError(
      'The backup file is incomplete (it was cut off, e.g. by a failed copy).',
    );
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new BackupUnreadableError(`The backup file is damaged (${message}).`);
  }
  return err instanceof Error ? err : new Error(message);
}

export interface OpenedBackup {
  encrypted: boolean;
  /** The text lines of the backup; throws BackupUnreadableError when the file is damaged. */
  lines: AsyncGenerator<string, void, undefined>;
}

/** Opens a backup for reading (decrypting with `encryptionKey` when it is encrypted). */
export async function openBackup(file: string, encryptionKey: string | undefined): Promise<OpenedBackup> {
  let size: number;
  try {
    const stat = await fsp.stat(file);
    if (!stat.isFile()) throw new BackupNotFoundError(file);
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new BackupNotFoundError(file);
    throw err;
  }
  const fh = await fsp.open(file, 'r');
  const head = Buffer.alloc(PREFIX_LENGTH);
  let tag: Buffer | undefined;
  let headLength: number;
  try {
    headLength = (await fh.read(head, 0, PREFIX_LENGTH, 0)).bytesRead;
    if (headLength >= MAGIC.length && head.subarray(0, MAGIC.length).equals(MAGIC)) {
      if (size < PREFIX_LENGTH + TAG_LENGTH) {
        throw new BackupUnreadableError(
          'The backup file is incomplete (it was cut off, e.g. by a failed copy).',
        );
      }
      tag = Buffer.alloc(TAG_LENGTH);
      await fh.read(tag, 0, TAG_LENGTH, size - TAG_LENGTH);
    }
  } finally {
    await fh.close();
  }
  let streams: Array<Readable | NodeJS.ReadWriteStream>;
  if (tag) {
    if (head[MAGIC.length] !== CONTAINER_VERSION) {
      throw new BackupUnreadableError(
        `This backup uses container version ${head[MAGIC.length]}, which this Frontdesk cannot read: upgrade Frontdesk.`,
      );
    }
    if (!encryptionKey) {
      throw new BackupKeyError(
        'This backup is encrypted: set BACKUP_ENCRYPTION_KEY to the key it was written with.',
      );
    }
    const saltAt = MAGIC.length + 1;
    const ivAt = saltAt + SALT_LENGTH;
    const checkAt = ivAt + IV_LENGTH;
    const salt = head.subarray(saltAt, ivAt);
    const iv = head.subarray(ivAt, checkAt);
    const check = head.subarray(checkAt, checkAt + CHECK_LENGTH);
    const keys = await deriveKeys(encryptionKey, salt);
    if (!crypto.timingSafeEqual(keys.check, check)) {
      throw new BackupKeyError(
        'This backup was encrypted with a different key: BACKUP_ENCRYPTION_KEY does not match the key it was written with.',
      );
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', keys.aes, iv);
    decipher.setAAD(head);
    decipher.setAuthTag(tag);
    streams = [
      fs.createReadStream(file, { start: PREFIX_LENGTH, end: size - TAG_LENGTH - 1 }),
      decipher,
      zlib.createGunzip(),
    ];
  } else if (headLength >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    streams = [fs.createReadStream(file), zlib.createGunzip()];
  } else {
    throw new BackupUnreadableError(`${path.basename(file)} is not a Frontdesk backup.`);
  }
  const output = (pipeline as unknown as (...s: unknown[]) => Readable)(...streams, () => undefined);
  return { encrypted: Boolean(tag), lines: splitLines(output) };
}

async function* splitLines(stream: Readable): AsyncGenerator<string, void, undefined> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of stream) {
      pending += decoder.write(chunk as Buffer);
      let start = 0;
      let newline = pending.indexOf('\n', start);
      while (newline !== -1) {
        yield pending.slice(start, newline);
        start = newline + 1;
        newline = pending.indexOf('\n', start);
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE_CHARS) {
        throw new BackupUnreadableError(
          'The backup file is damaged (a line is far longer than any backup writes).',
        );
      }
    }
    pending += decoder.end();
    if (pending.length > 0) yield pending;
  } catch (err) {
    throw unreadable(err);
  } finally {
    stream.destroy();
  }
}
