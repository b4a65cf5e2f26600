/** Steps shared by the LLM path tests: chat turns (plain and streamed), metrics, bounded waits. */
import type { TestServer } from '../helpers/server.js';

export interface ChatBody {
  sessionId: string;
  sessionSecret?: string;
  locale: string;
  reply: { text: string; suggestions?: string[] } | null;
  quote?: { packageId: string; areaM2: number; min: number; max: number; currency: string };
  handoff?: { reason: string };
}

export class Conversation {
  sessionId: string | undefined;
  secret: string | undefined;
  constructor(
    private readonly server: TestServer,
    private readonly locale: 'pl' | 'en' = 'pl',
  ) {}

  private request(message: string) {
    return {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(this.secret ? { 'x-session-secret': this.secret } : {}),
      },
      body: JSON.stringify({
        message,
        locale: this.locale,
        ...(this.sessionId ? { sessionId: this.sessionId } : {}),
      }),
    };
  }

  async send(message: string): Promise<ChatBody> {
    const res = await fetch(`${this.server.url}/api/v1/chat`, this.request(message));
    const body = (await res.json()) as ChatBody;
    if (res.status !== 200) throw new Error(`chat answered ${res.status}: ${JSON.stringify(body)}`);
    this.sessionId = body.sessionId;
    this.secret = body.sessionSecret ?? this.secret;
    return body;
  }

  /** POST /api/v1/chat/stream: every event in order. */
  async stream(message: string): Promise<{ status: number; contentType: string; events: SseEvent[] }> {
    const res = await fetch(`${this.server.url}/api/v1/chat/stream`, this.request(message));
    const events = parseSse(await res.text());
    const meta = events.find((e) => e.event === 'meta')?.data as
      { sessionId?: string; sessionSecret?: string } | undefined;
    if (meta?.sessionId) this.sessionId = meta.sessionId;
    if (meta?.sessionSecret) this.secret = meta.sessionSecret;
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', events };
  }

  async session(): Promise<{
    engine: string;
    tokensIn: number;
    tokensOut: number;
    costUsd: number;
    state: Record<string, unknown>;
  }> {
    const rows = await this.server.runtime.db.query<{
      engine: string;
      llm_tokens_in: number;
      llm_tokens_out: number;
      llm_cost_usd: string | number;
      state: Record<string, unknown>;
    }>('SELECT engine, llm_tokens_in, llm_tokens_out, llm_cost_usd, state FROM chat_sessions WHERE id = $1', [
      this.sessionId,
    ]);
    const row = rows[0];
    if (!row) throw new Error('no session');
    return {
      engine: row.engine,
      tokensIn: Number(row.llm_tokens_in),
      tokensOut: Number(row.llm_tokens_out),
      costUsd: Number(row.llm_cost_usd),
      state: row.state,
    };
  }
}

export interface SseEvent {
  event: string;
  data: unknown;
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    events.push({ event, data: JSON.parse(data.join('\n')) as unknown });
  }
  return events;
}

/** The value of one Prometheus sample (0 when absent). */
export async function metric(
  server: TestServer,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
