/** Real local peers standing in for outside providers: an HTTP server whose behaviour a test controls, and an SMTP server. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RecordedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export type PeerMode =
  | { kind: 'ok'; respond?: (req: RecordedRequest) => unknown }
  | { kind: 'fail'; status: number }
  | { kind: 'hang' };

export interface FakeHttpPeer {
  url: string;
  /** Requests answered with success. */
  delivered: RecordedRequest[];
  /** Every request that arrived, whatever the answer. */
  received: RecordedRequest[];
  mode: PeerMode;
  close(): Promise<void>;
}

export async function startHttpPeer(mode: PeerMode = { kind: 'ok' }, port = 0): Promise<FakeHttpPeer> {
  const hanging = new Set<http.ServerResponse>();
  const peer: FakeHttpPeer = {
    url: '',
    delivered: [],
    received: [],
    mode,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const record: RecordedRequest = { path: req.url ?? '/', headers: req.headers, body, json };
      peer.received.push(record);
      const m = peer.mode;
      if (m.kind === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (m.kind === 'fail') {
        res.writeHead(m.status, { 'content-type': 'application/json' }).end('{"error":"down"}');
        return;
      }
      peer.delivered.push(record);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(m.respond?.(record) ?? { ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return peer;
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface FakeSmtpPeer {
  url: string;
  mails: ReceivedMail[];
  /** While true, every message is refused with a temporary error (451). */
  failing: boolean;
  close(): Promise<void>;
}

export async function startSmtpPeer(): Promise<FakeSmtpPeer> {
  const peer: FakeSmtpPeer = {
    url: '',
    mails: [],
    failing: false,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (d) => (raw += String(d)));
      stream.on('end', () => {
        if (peer.failing) {
          const err = new Error('try again later') as Error & { responseCode: number };
          err.responseCode = 451;
          callback(err);
          return;
        }
        peer.mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address() as AddressInfo;
  peer.url = `smtp://127.0.0.1:${address.port}`;
  return peer;
}

/** Waits until the condition holds (bounded polling); throws with the description after the limit. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Fast settings for delivery tests: quick polling and retries. */
export const FAST_OUTBOX = {
  WORKER_POLL_MS: '100',
  OUTBOX_RETRY_DELAY_SECONDS: '1',
  INTEGRATION_TIMEOUT_MS: '1000',
  INTEGRATION_RETRIES: '0',
  INTEGRATION_BREAKER_HALF_OPEN_MS: '1000',
  OUTBOX_VISIBILITY_TIMEOUT_SECONDS: '7',
  RATE_LIMIT_ENABLED: 'false',
};

export function formLead(n: number, extra: Record<string, unknown> = {}) {
  return {
    name: `Anna ${n}`,
    email: `anna${n}@example.pl`,
    phone: '+48 600 100 200',
    city: 'Warszawa',
    package: 'comfort',
    area: 60,
    locale: 'pl',
    consent: { processing: true, marketing: true },
    ...extra,
  };
}

export async function postLead(baseUrl: string, body: unknown, key?: string): Promise<Response> {
  return fetch(`${baseUrl}/api/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
}
