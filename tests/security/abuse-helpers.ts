/** Shared steps of the rate-limit, blocklist and header tests. */
import type { TestServer } from '../helpers/server.js';

/**
 * Rate-limit windows are whole clock minutes. Before a test counts requests against a limit, wait (a
 * bounded wait, not an assertion) until at least `neededMs` remain in the current minute, so the
 * counts cannot be split by the window turning over.
 */
export async function startOfFreshWindow(neededMs = 20_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T | undefined | false> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface ChatReply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function chat(
  server: TestServer,
  message: string,
  options: { sessionId?: string; secret?: string; ip?: string; headers?: Record<string, string> } = {},
): Promise<ChatReply> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.secret) headers['x-session-secret'] = options.secret;
  if (options.ip) headers['x-forwarded-for'] = options.ip;
  const res = await fetch(`${server.url}/api/v1/chat`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ message, ...(options.sessionId ? { sessionId: options.sessionId } : {}) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}

export async function metricsText(server: TestServer): Promise<string> {
  return (await fetch(`${server.url}/metrics`)).text();
}
