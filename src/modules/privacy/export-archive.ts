/**
 * The export archive of one person: data.json (every table), one CSV per table, and their uploaded
 * files, in a zip streamed as it is built.
 */
import { PassThrough, type Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { stringify } from 'csv-stringify';
import type { Rows } from './repository.js';

export interface ExportFile {
  name: string;
  data: Buffer;
}

function csvValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One table as CSV (a header row, then one line per record), streamed. */
export function tableCsv(rows: Rows): Readable | string {
  if (rows.length === 0) return '';
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return stringify([columns, ...rows.map((r) => columns.map((c) => csvValue(r[c])))]);
}

const README = `This archive holds every record kept about you, as of its creation time.

data.json      all records, by table
csv/<table>.csv  the same records as CSV, one file per table
files/          the files you attached in conversations

What each table and column means: see the privacy policy (/privacy) and the data inventory.
`;

export function buildExportArchive(input: {
  createdAt: Date;
  tables: Record<string, Rows>;
  files: ExportFile[];
}): Readable {
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const out = new PassThrough();
  zip.on('error', (err) => out.destroy(err));
  zip.pipe(out);
  zip.append(README, { name: 'README.txt' });
  zip.append(JSON.stringify({ createdAt: input.createdAt.toISOString(), tables: input.tables }, null, 2), {
    name: 'data.json',
  });
  for (const [table, rows] of Object.entries(input.tables)) {
    zip.append(tableCsv(rows), { name: `csv/${table}.csv` });
  }
  for (const f of input.files) zip.append(f.data, { name: `files/${f.name}` });
  void zip.finalize().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
