/** Helpers of the privacy tests: a customer's real conversation, mails from the SMTP peer, zip reading. */
import zlib from 'node:zlib';
import type { FakeSmtpPeer } from '../integrations/fake-peers.js';
import { waitFor } from '../integrations/fake-peers.js';

export interface ChatSession {
  sessionId: string;
  secret: string;
  replies: string[];
}

export async function chat(baseUrl: string, messages: string[], locale = 'pl'): Promise<ChatSession> {
  let sessionId: string | undefined;
  let secret = '';
  const replies: string[] = [];
  for (const message of messages) {
    const res = await fetch(`${baseUrl}/api/v1/chat`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(sessionId ? { 'x-session-secret': secret } : {}),
      },
      body: JSON.stringify({ message, locale, ...(sessionId ? { sessionId } : {}) }),
    });
    if (res.status !== 200) throw new Error(`chat failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as {
      sessionId: string;
      sessionSecret?: string;
      reply: { text: string } | null;
    };
    sessionId = body.sessionId;
    if (body.sessionSecret) secret = body.sessionSecret;
    replies.push(body.reply?.text ?? '');
  }
  return { sessionId: sessionId!, secret, replies };
}

/** The whole qualification in Polish, ending with a lead with e-mail, phone and marketing consent. */
export function qualification(name: string, email: string, phone: string): string[] {
  return [
    'Dzień dobry, ile kosztuje wykończenie mieszkania?',
    '50',
    'Comfort',
    'we Wrocławiu',
    name,
    'tak',
    `${email}, tel. ${phone}`,
    'tak',
  ];
}

/** Decodes quoted-printable soft breaks and escapes so links in the body are readable. */
export function decoded(raw: string): string {
  const qp = raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(qp, 'latin1').toString('utf8');
}

export async function mailTo(smtp: FakeSmtpPeer, to: string, count = 1): Promise<string> {
  await waitFor(
    `an e-mail to ${to}`,
    () => smtp.mails.filter((m) => m.to.includes(to)).length >= count,
    60_000,
  );
  return decoded(smtp.mails.filter((m) => m.to.includes(to))[count - 1]!.raw);
}

export function linkIn(mail: string, path: string): string {
  const match = new RegExp(`https?://[^\\s"<>]+${path.replace(/[/?]/g, (c) => `\\${c}`)}[^\\s"<>]*`).exec(
    mail,
  );
  if (!match) throw new Error(`no ${path} link in the e-mail`);
  return match[0];
}

export async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/** The entries of a zip archive (deflated or stored), read through its central directory. */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let eocd = zip.length - 22;
  while (eocd >= 0 && zip.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error('not a zip archive');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + compressed);
    entries.set(name, method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
