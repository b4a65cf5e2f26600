/**
 * Files and requests for the upload and bad-input tests: small real JPEG/PNG/WebP/PDF files, the
 * look-alikes that must be refused, and a hand-built multipart encoder (so a test can send exactly
 * the bytes it means, including broken ones).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid 2×2 RGB PNG. */
export function png(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG (JFIF header, some entropy-coded-looking bytes, end marker) of about `size` bytes. */
export function jpeg(size = 2_000): Buffer {
  const header = Buffer.from([
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00,
  ]);
  // Random bytes without 0xFF, so no accidental markers (and no accidental "<script").
  const body = Buffer.from(crypto.randomBytes(Math.max(0, size - header.length - 2)).map((b) => b & 0x7f));
  return Buffer.concat([header, body, Buffer.from([0xff, 0xd9])]);
}

/** A lossy WebP container. */
export function webp(): Buffer {
  const vp8 = Buffer.concat([Buffer.from('VP8 ', 'latin1'), Buffer.from([10, 0, 0, 0]), Buffer.alloc(10, 1)]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4 + vp8.length);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, Buffer.from('WEBP', 'latin1'), vp8]);
}

/** A small PDF; `extra` lands in the page's object dictionary, `streams` are Flate-compressed objects. */
export function pdf(options: { extra?: string; streams?: string[]; tail?: string } = {}): Buffer {
  const parts: Buffer[] = [
    Buffer.from(
      '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R ' +
        (options.extra ?? '') +
        ' >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n',
      'latin1',
    ),
  ];
  (options.streams ?? []).forEach((content, i) => {
    const data = zlib.deflateSync(Buffer.from(content, 'latin1'));
    parts.push(
      Buffer.from(
        `${3 + i} 0 obj\n<< /Type /ObjStm /Filter /FlateDecode /Length ${data.length} >>\nstream\n`,
        'latin1',
      ),
      data,
      Buffer.from('\nendstream\nendobj\n', 'latin1'),
    );
  });
  parts.push(Buffer.from(`trailer\n<< /Root 1 0 R >>\n%%EOF\n${options.tail ?? ''}`, 'latin1'));
  return Buffer.concat(parts);
}

export const SVG = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
);
export const HTML = Buffer.from(
  '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
);
export const JAVASCRIPT = Buffer.from('fetch("/api/v1/admin/users").then(r => r.text()).then(alert);\n');

export interface FilePart {
  field: string;
  filename: string;
  contentType?: string;
  data: Buffer;
}

export type FormPart = FilePart | { field: string; value: string | Buffer };

/** Encodes multipart/form-data by hand (filenames are sent exactly as given, bytes and all). */
export function multipart(parts: FormPart[], boundary = `----fd${crypto.randomBytes(8).toString('hex')}`) {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`, 'latin1'));
    if ('data' in part) {
      chunks.push(
        Buffer.concat([
          Buffer.from(`Content-Disposition: form-data; name="${part.field}"; filename="`, 'latin1'),
          Buffer.from(part.filename, 'utf8'),
          Buffer.from(
            `"\r\nContent-Type: ${part.contentType ?? 'application/octet-stream'}\r\n\r\n`,
            'latin1',
          ),
        ]),
        part.data,
        Buffer.from('\r\n', 'latin1'),
      );
    } else {
      chunks.push(
        Buffer.from(`Content-Disposition: form-data; name="${part.field}"\r\n\r\n`, 'latin1'),
        Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value, 'utf8'),
        Buffer.from('\r\n', 'latin1'),
      );
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Every regular file under a directory (missing directory: none). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Starts a chat and returns the visitor's session id and secret. */
export async function startChat(
  baseUrl: string,
  message = 'Dzień dobry, mam pytanie o wykończenie mieszkania.',
): Promise<{ sessionId: string; secret: string }> {
  const res = await fetch(`${baseUrl}/api/v1/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  });
  if (res.status !== 200) throw new Error(`chat failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { sessionId: string; sessionSecret: string };
  return { sessionId: body.sessionId, secret: body.sessionSecret };
}

/** Posts an upload: `sessionId` goes in a form field first unless the parts already say otherwise. */
export async function postUpload(
  baseUrl: string,
  session: { sessionId: string; secret: string } | null,
  parts: FormPart[],
  headers: Record<string, string> = {},
): Promise<Response> {
  const form = multipart(session ? [{ field: 'sessionId', value: session.sessionId }, ...parts] : parts);
  return fetch(`${baseUrl}/api/v1/uploads`, {
    method: 'POST',
    headers: {
      'content-type': form.contentType,
      ...(session ? { 'x-session-secret': session.secret } : {}),
      ...headers,
    },
    body: form.body,
  });
}
