/**
 * What a backup holds, line by line (inside the container of file-format.ts):
 *
 *   {header}                                  format, times, migrations, tables with counts and checksums
 *   {"table": "leads"}                        then one JSON array per row: each column as PostgreSQL
 *   ["…", null, …]                            text (or null), in the header's column order
 *   {"files": true}                           then per uploaded file (as many as the header says):
 *   {"file": "<key>", "size": 1234, "sha256": "…"}   its entry, then its bytes as base64 lines
 *   "iVBORw0KGgo…"
 *   {"end": true}
 *
 * Tables come in foreign-key order (a table after the tables it references), so loading them in file
 * order never breaks a constraint. A table's checksum is the SHA-256 of its row lines in file order.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import { BackupUnreadableError } from './errors.js';
import { openBackup } from './file-format.js';

export const BACKUP_FORMAT = 'frontdesk-backup';
export const BACKUP_FORMAT_VERSION = 1;
/** Bytes of a file per base64 line. */
export const FILE_CHUNK_BYTES = 48 * 1024;

const tableSchema = z.object({
  name: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
  primaryKey: z.array(z.string()),
  rows: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.number().int().positive(),
  createdAt: z.iso.datetime({ offset: true }),
  appVersion: z.string(),
  database: z.enum(['embedded', 'postgres']),
  migrations: z.array(z.object({ name: z.string(), checksum: z.string() })),
  tables: z.array(tableSchema),
  partitions: z.array(z.object({ parent: z.string(), name: z.string(), bound: z.string() })),
  sequences: z.array(z.object({ name: z.string(), lastValue: z.string(), isCalled: z.boolean() })),
  files: z.object({
    storage: z.enum(['local', 's3']),
    count: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
    missing: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
});

export type BackupHeader = z.infer<typeof headerSchema>;
export type TableHeader = BackupHeader['tables'][number];
export type Row = Array<string | null>;

export interface FileEntry {
  key: string;
  size: number;
  sha256: string;
}

const MASK = (1n << 256n) - 1n;

/** Running checksums of one table: ordered (the header's) and order-free (to compare with a database). */
export class TableDigest {
  rows = 0;
  private readonly ordered = crypto.createHash('sha256');
  private sum = 0n;

  /** `orderFree: false` skips the order-free digest (writing a backup needs only the ordered one). */
  constructor(private readonly orderFree = true) {}

  add(line: string): void {
    this.rows++;
    this.ordered.update(`${line}\n`);
    if (this.orderFree) {
      this.sum = (this.sum + BigInt(`0x${crypto.createHash('sha256').update(line).digest('hex')}`)) & MASK;
    }
  }

  sha256(): string {
    return this.ordered.digest('hex');
  }

  /** The sum of the rows' SHA-256 values (mod 2^256): the same whatever order the rows come in. */
  unordered(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}

export interface ScanVisitor {
  header?(header: BackupHeader): Promise<void> | void;
  /** A batch of rows of one table, in file order. */
  rows?(table: TableHeader, rows: Row[]): Promise<void>;
  /** A whole uploaded file (checked against its checksum). */
  file?(entry: FileEntry, data: Buffer): Promise<void>;
}

export interface ScanResult {
  header: BackupHeader;
  encrypted: boolean;
  /** Order-free digest of each table's rows, by table name (when asked for with `orderFree`). */
  unordered: Map<string, string>;
}

const damaged = (what: string) => new BackupUnreadableError(`The backup file is damaged: ${what}.`);
const incomplete = () =>
  new BackupUnreadableError('The backup file is incomplete (it was cut off, e.g. by a failed copy).');

function parseJson(line: string, what: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw damaged(`${what} is not readable`);
  }
}

export function parseHeader(line: string | undefined): BackupHeader {
  if (line === undefined) throw incomplete();
  const value = parseJson(line, 'the header');
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) {
    if ((value as { format?: unknown } | null)?.format !== BACKUP_FORMAT) {
      throw new BackupUnreadableError('This file is not a Frontdesk backup.');
    }
    throw damaged('the header is not valid');
  }
  if (parsed.data.version > BACKUP_FORMAT_VERSION) {
    throw new BackupUnreadableError(
      `This backup uses format version ${parsed.data.version}; this Frontdesk reads version ${BACKUP_FORMAT_VERSION}: upgrade Frontdesk.`,
    );
  }
  return parsed.data;
}

/** Reads only the header of a backup. */
export async function readHeader(file: string, encryptionKey: string | undefined): Promise<BackupHeader> {
  const { lines } = await openBackup(file, encryptionKey);
  try {
    const first = await lines.next();
    return parseHeader(first.done ? undefined : first.value);
  } finally {
    await lines.return(undefined);
  }
}

/**
 * Reads a whole backup, checking every count and checksum against the header, and hands rows and
 * files to the visitor. Throws BackupUnreadableError at the first inconsistency; the visitor has then
 * seen part of the data only, so callers load inside a transaction they roll back on error.
 */
export async function scanBackup(
  file: string,
  encryptionKey: string | undefined,
  visitor: ScanVisitor = {},
  options: { batchRows?: number; batchChars?: number; orderFree?: boolean } = {},
): Promise<ScanResult> {
  const batchRows = options.batchRows ?? 500;
  const batchChars = options.batchChars ?? 2_000_000;
  const { lines, encrypted } = await openBackup(file, encryptionKey);
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw incomplete();
    return r.value;
  };
  try {
    const first = await lines.next();
    const header = parseHeader(first.done ? undefined : first.value);
    await visitor.header?.(header);
    const unordered = new Map<string, string>();
    let line = await next();
    for (const table of header.tables) {
      const start = parseJson(line, 'a table marker') as { table?: unknown };
      if (start?.table !== table.name) throw damaged(`the rows of table ${table.name} are missing`);
      const digest = new TableDigest(options.orderFree ?? false);
      let batch: Row[] = [];
      let chars = 0;
      for (;;) {
        line = await next();
        if (!line.startsWith('[')) break;
        const row = parseJson(line, `a row of ${table.name}`);
        if (
          !Array.isArray(row) ||
          row.length !== table.columns.length ||
          !row.every((v) => v === null || typeof v === 'string')
        ) {
          throw damaged(`a row of ${table.name} has the wrong shape`);
        }
        digest.add(line);
        batch.push(row as Row);
        chars += line.length;
        if (batch.length >= batchRows || chars >= batchChars) {
          await visitor.rows?.(table, batch);
          batch = [];
          chars = 0;
        }
      }
      if (batch.length > 0) await visitor.rows?.(table, batch);
      if (digest.rows !== table.rows) {
        throw damaged(`table ${table.name} has ${digest.rows} rows where the header says ${table.rows}`);
      }
      if (digest.sha256() !== table.sha256) {
        throw damaged(`the rows of table ${table.name} do not match their checksum (the file was changed)`);
      }
      unordered.set(table.name, digest.unordered());
    }
    const files = parseJson(line, 'the file section') as { files?: unknown };
    if (files?.files !== true) throw damaged('the uploaded files are missing');
    const filesHash = crypto.createHash('sha256');
    let bytes = 0;
    for (let i = 0; i < header.files.count; i++) {
      const raw = parseJson(await next(), 'a file entry') as {
        file?: unknown;
        size?: unknown;
        sha256?: unknown;
      };
      if (
        typeof raw.file !== 'string' ||
        typeof raw.size !== 'number' ||
        typeof raw.sha256 !== 'string' ||
        !Number.isInteger(raw.size) ||
        raw.size < 0
      ) {
        throw damaged('a file entry is not valid');
      }
      const entry: FileEntry = { key: raw.file, size: raw.size, sha256: raw.sha256 };
      const parts: Buffer[] = [];
      let got = 0;
      while (got < entry.size) {
        const chunk = parseJson(await next(), 'file data');
        if (typeof chunk !== 'string') throw damaged(`the data of file ${entry.key} is not valid`);
        const data = Buffer.from(chunk, 'base64');
        got += data.length;
        parts.push(data);
      }
      const data = Buffer.concat(parts);
      const sha = crypto.createHash('sha256').update(data).digest('hex');
      if (got !== entry.size || sha !== entry.sha256) {
        throw damaged(`file ${entry.key} does not match its checksum (the file was changed)`);
      }
      filesHash.update(`${entry.key}\n${sha}\n`);
      bytes += data.length;
      await visitor.file?.({ key: entry.key, size: entry.size, sha256: sha }, data);
    }
    if (bytes !== header.files.bytes || filesHash.digest('hex') !== header.files.sha256) {
      throw damaged('the uploaded files do not match their checksum');
    }
    const end = parseJson(await next(), 'the end marker') as { end?: unknown };
    if (end?.end !== true) throw damaged('unexpected data after the files');
    // Read to the very end: an encrypted file is authenticated only when its last byte is read.
    const rest = await lines.next();
    if (!rest.done) throw damaged('unexpected data after the end marker');
    return { header, encrypted, unordered };
  } finally {
    await lines.return(undefined);
  }
}
