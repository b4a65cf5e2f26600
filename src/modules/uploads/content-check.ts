/**
 * What an uploaded file really is, decided from its bytes alone (never its name or declared type).
 * Accepted: JPEG, PNG, WebP and PDF. Refused: anything else, and polyglots — an accepted format that
 * also carries markup or script a browser or PDF reader could run (an HTML/SVG document hidden after
 * a JPEG header, a PDF with JavaScript or launch actions).
 */
import zlib from 'node:zlib';
import { fileTypeFromBuffer } from 'file-type';

export const ACCEPTED_TYPES = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
} as const;

export type AcceptedMime = keyof typeof ACCEPTED_TYPES;
export type UploadKind = (typeof ACCEPTED_TYPES)[AcceptedMime];

export type ContentVerdict =
  | { ok: true; mime: AcceptedMime; kind: UploadKind }
  | { ok: false; reason: 'unknown_type' | 'markup' | 'pdf_active_content'; detail: string };

/**
 * Markup that has no business inside an image or a PDF. Each marker is long enough that random
 * compressed image data practically never contains it by chance.
 */
const MARKUP = [
  /<script[\s>/]/i,
  /<\/script>/i,
  /<html[\s>]/i,
  /<body[\s>]/i,
  /<!doctype\s+html/i,
  /<svg[\s>]/i,
  /<iframe[\s>]/i,
  /<object[\s>]/i,
  /<embed[\s>]/i,
  /<meta\s+http-equiv/i,
  /<\?php/i,
  /javascript:/i,
  /\son(load|error|click|mouseover)\s*=/i,
];

/** PDF names that run code or programs: `/JS`, `/JavaScript`, `/Launch` (also hex-escaped as `/J#53`). */
const PDF_ACTIVE_NAME = /\/(JS|JavaScript|Launch)(?=[\s/<>[\]()%{}]|$)/;

/** Inflated size we are willing to examine per file (zip bombs stop here). */
const MAX_INFLATED_BYTES = 32 * 1024 * 1024;

function decodePdfNames(text: string): string {
  return text.replace(/\/[^\s/<>[\]()%{}]+/g, (name) =>
    name.replace(/#([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
  );
}

/** The raw PDF text plus its inflated streams (object streams can hide the action dictionaries). */
function pdfTexts(data: Buffer): string[] {
  const raw = data.toString('latin1');
  const texts = [raw];
  let budget = MAX_INFLATED_BYTES;
  const streamStart = /stream\r?\n/g;
  let match: RegExpExecArray | null;
  while ((match = streamStart.exec(raw)) !== null && budget > 0) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    if (end < 0) break;
    try {
      const inflated = zlib.inflateSync(data.subarray(start, end), {
        maxOutputLength: budget,
        finishFlush: zlib.constants.Z_SYNC_FLUSH,
      });
      budget -= inflated.length;
      texts.push(inflated.toString('latin1'));
    } catch {
      // Not a Flate stream (images, other filters): nothing to examine.
    }
    streamStart.lastIndex = end;
  }
  return texts;
}

export async function checkContent(data: Buffer): Promise<ContentVerdict> {
  const detected = await fileTypeFromBuffer(data);
  const mime = detected?.mime as string | undefined;
  if (!mime || !(mime in ACCEPTED_TYPES)) {
    return { ok: false, reason: 'unknown_type', detail: mime ?? 'unrecognised' };
  }
  const accepted = mime as AcceptedMime;
  const latin1 = data.toString('latin1');
  const markup = MARKUP.find((re) => re.test(latin1));
  if (markup) return { ok: false, reason: 'markup', detail: markup.source };
  if (accepted === 'application/pdf') {
    for (const text of pdfTexts(data)) {
      const active = PDF_ACTIVE_NAME.exec(decodePdfNames(text));
      if (active) return { ok: false, reason: 'pdf_active_content', detail: active[1] ?? 'action' };
    }
  }
  return { ok: true, mime: accepted, kind: ACCEPTED_TYPES[accepted] };
}
