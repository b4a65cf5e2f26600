/**
 * Customers' file names are metadata, never paths. They are reduced to a safe display name: the last
 * path segment, no control characters, quotes or separators, at most 100 characters, and the
 * extension of the format actually detected (so "plan.html" that is really a PDF is saved as "plan.html.pdf").
 */
import type { UploadKind } from './content-check.js';

const EXTENSIONS: Record<UploadKind, string[]> = {
  jpeg: ['jpg', 'jpeg', 'jpe', 'jfif'],
  png: ['png'],
  webp: ['webp'],
  pdf: ['pdf'],
};

const MAX_LENGTH = 100;

export function sanitizeFileName(raw: string | undefined, kind: UploadKind): string {
  let name = (raw ?? '').normalize('NFC');
  try {
    // Names sent percent-encoded (..%2f..) are judged by what they decode to.
    if (/%[0-9A-Fa-f]{2}/.test(name)) name = decodeURIComponent(name);
  } catch {
    // Not valid percent-encoding: keep the text as it is.
  }
  name = name.split(/[/\\]/).pop() ?? '';
  name = name
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/["'`<>:|?*;=%$&{}[\]^~#]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s_-]+/, '');
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  const base = (EXTENSIONS[kind].includes(ext) ? stem : name).replace(/[.\s]+$/, '');
  const extension = EXTENSIONS[kind][0]!;
  const trimmed = [...(base || 'attachment')].slice(0, MAX_LENGTH - extension.length - 1).join('');
  return `${trimmed}.${extension}`;
}

/** An ASCII-only form for the plain `filename=` parameter (Polish letters lose their accents). */
export function asciiFileName(name: string): string {
  return name
    .replace(/ł/g, 'l')
    .replace(/Ł/g, 'L')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\]/g, '_');
}

/** A Content-Disposition value that makes browsers save the file instead of showing it. */
export function attachmentDisposition(name: string): string {
  return `attachment; filename="${asciiFileName(name)}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
