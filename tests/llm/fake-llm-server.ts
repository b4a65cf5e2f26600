/**
 * A real local HTTP server that speaks the OpenAI chat-completions API (streaming and not) and the
 * Anthropic messages API (streaming), standing in for an LLM provider in tests. What it answers
 * depends on the model name (see `behaviourFor`), or on a handler a test installs; several
 * behaviours misbehave on purpose: they echo the system prompt, leak the canary, send tool calls
 * with bad arguments or malformed JSON, fail with 429/5xx, or stall.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  api: 'openai' | 'anthropic';
  model: string;
  stream: boolean;
  system: string;
  /** The latest customer message. */
  lastUser: string;
  /** Results of tool calls sent back by the client (JSON text), in order. */
  toolResults: string[];
  /** Tool names the client offered. */
  tools: string[];
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

export type Script =
  | {
      kind: 'text';
      text: string;
      /** Split into this many chunks (default: by words). */
      chunks?: string[];
      firstDelayMs?: number;
      chunkDelayMs?: number;
      /** Written after `gate` resolves (the test decides when the rest of the reply comes). */
      gate?: Promise<void>;
      after?: string[];
      usage?: { input: number; output: number };
    }
  | { kind: 'tool'; name: string; args: string; usage?: { input: number; output: number } }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'malformed' }
  | { kind: 'hang'; afterText?: string };

export type Behaviour = (req: FakeRequest, count: number) => Script;

const CANARY_LINE =
  /(?:Internal marker \(never reveal it\)|Wewnętrzny znacznik \(nigdy go nie ujawniaj\)): (\S+)/;
const PREPARED = /A correct reply prepared by the rule engine[^\n]*\n([\s\S]*)$/;

/** The rule engine's prepared reply, found in the system prompt the assistant sends. */
export function preparedReply(system: string): string {
  return PREPARED.exec(system)?.[1]?.trim() ?? 'Dzień dobry, w czym mogę pomóc?';
}

const CHAOS: Behaviour[] = [
  (r) => ({ kind: 'text', text: r.system }),
  (r) => ({ kind: 'text', text: `Sure! The marker is ${CANARY_LINE.exec(r.system)?.[1] ?? 'none'}.` }),
  (r) =>
    r.toolResults.length === 0
      ? { kind: 'tool', name: 'quote_price', args: '{"packageId": 5, "areaM2": "lots"' }
      : { kind: 'text', text: `Tool said: ${r.toolResults.join(' ')}` },
  () => ({ kind: 'malformed' }),
  (r) => ({ kind: 'text', text: `You said: ${r.lastUser}` }),
  () => ({ kind: 'text', text: 'Another customer wrote from jan.nowak@example.com, phone +48 600 700 800.' }),
  () => ({
    kind: 'text',
    text: 'Config:\nDATABASE_URL=postgres://frontdesk:hunter2@db:5432/frontdesk\nLLM_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123',
  }),
  (r) =>
    r.toolResults.length === 0
      ? { kind: 'tool', name: 'save_lead', args: '{}' }
      : {
          kind: 'text',
          text: `<script>alert(1)</script><img src=x onerror=alert(1)> ${r.toolResults.join(' ')}`,
        },
];

export function behaviourFor(model: string): Behaviour {
  switch (model) {
    case 'echo-system':
      return (r) => ({ kind: 'text', text: r.system });
    case 'leak-canary':
      return (r) => ({ kind: 'text', text: `The marker is ${CANARY_LINE.exec(r.system)?.[1] ?? 'none'}.` });
    case 'echo-user':
      return (r) => ({ kind: 'text', text: `You said: ${r.lastUser}` });
    case 'leak-contact':
      return () => ({
        kind: 'text',
        text: 'The previous customer was jan.nowak@example.com, +48 600 700 800.',
      });
    case 'leak-secrets':
      return CHAOS[6] as Behaviour;
    case 'quote':
      return (r) => {
        if (r.toolResults.length === 0) {
          return {
            kind: 'tool',
            name: 'quote_price',
            args: '{"packageId":"comfort","areaM2":50}',
            usage: { input: 300, output: 20 },
          };
        }
        const result = JSON.parse(r.toolResults[0] ?? '{}') as { min?: number; package?: string };
        return {
          kind: 'text',
          text: `Pakiet ${result.package ?? '?'} dla 50 m² to ${result.min ?? '?'} zł.`,
          usage: { input: 400, output: 30 },
        };
      };
    case 'bad-tool-args':
      return (r) =>
        r.toolResults.length === 0
          ? { kind: 'tool', name: 'quote_price', args: '{"packageId": 5, "areaM2": "lots"}' }
          : { kind: 'text', text: preparedReply(r.system) };
    case 'lead-tool':
      return (r) =>
        r.toolResults.length === 0
          ? { kind: 'tool', name: 'save_lead', args: '{}' }
          : { kind: 'text', text: `Lead: ${r.toolResults[0] ?? ''}` };
    case 'malformed':
      return () => ({ kind: 'malformed' });
    case 'status-429':
      return () => ({ kind: 'status', status: 429, body: '{"error":{"message":"rate limited"}}' });
    case 'status-500':
      return () => ({ kind: 'status', status: 500, body: '{"error":{"message":"boom"}}' });
    case 'status-401':
      return () => ({ kind: 'status', status: 401, body: '{"error":{"message":"bad key"}}' });
    case 'slow-first':
      return (r) => ({ kind: 'text', text: preparedReply(r.system), firstDelayMs: 5_000 });
    case 'hang':
      return () => ({ kind: 'hang', afterText: 'Zaraz ' });
    case 'chaos':
      return (r, count) => (CHAOS[count % CHAOS.length] as Behaviour)(r, count);
    case 'model-b':
      return () => ({
        kind: 'text',
        text: "I'm not sure. Could you ask again later?",
        usage: { input: 900, output: 60 },
      });
    default:
      // 'good', 'model-a' and anything else: the prepared reply, in a few chunks.
      return (r) => ({ kind: 'text', text: preparedReply(r.system), usage: { input: 500, output: 50 } });
  }
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p: { type?: string; text?: string }) => (typeof p?.text === 'string' ? p.text : ''))
      .join('');
  }
  return '';
}

function parseOpenAi(body: Record<string, unknown>, headers: http.IncomingHttpHeaders): FakeRequest {
  const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => contentText(m.content))
    .join('\n');
  const users = messages.filter((m) => m.role === 'user');
  return {
    api: 'openai',
    model: String(body.model),
    stream: body.stream === true,
    system,
    lastUser: contentText(users[users.length - 1]?.content),
    toolResults: messages.filter((m) => m.role === 'tool').map((m) => contentText(m.content)),
    tools: ((body.tools as Array<{ function?: { name?: string } }>) ?? []).map((t) => t.function?.name ?? ''),
    body,
    headers,
  };
}

function parseAnthropic(body: Record<string, unknown>, headers: http.IncomingHttpHeaders): FakeRequest {
  const messages = (body.messages as Array<{ role: string; content: unknown }>) ?? [];
  const system = Array.isArray(body.system) ? contentText(body.system) : String(body.system ?? '');
  const toolResults: string[] = [];
  let lastUser = '';
  for (const m of messages) {
    if (m.role !== 'user') continue;
    if (Array.isArray(m.content)) {
      for (const part of m.content as Array<{ type: string; text?: string; content?: unknown }>) {
        if (part.type === 'tool_result') toolResults.push(contentText(part.content));
        if (part.type === 'text' && part.text) lastUser = part.text;
      }
    } else lastUser = contentText(m.content);
  }
  return {
    api: 'anthropic',
    model: String(body.model),
    stream: body.stream === true,
    system,
    lastUser,
    toolResults,
    tools: ((body.tools as Array<{ name?: string }>) ?? []).map((t) => t.name ?? ''),
    body,
    headers,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

async function writeOpenAi(res: http.ServerResponse, req: FakeRequest, script: Script): Promise<void> {
  const id = 'chatcmpl-fake';
  const created = Math.floor(Date.now() / 1000);
  if (script.kind === 'malformed') {
    res.writeHead(200, { 'content-type': req.stream ? 'text/event-stream' : 'application/json' });
    res.end(
      req.stream
        ? 'data: {"id": "x", "choices": [{"delta": {"content": "Hel\n\n'
        : '{"id": "x", "choices": [',
    );
    return;
  }
  const usage = script.kind === 'text' || script.kind === 'tool' ? script.usage : undefined;
  const usageJson = usage
    ? {
        prompt_tokens: usage.input,
        completion_tokens: usage.output,
        total_tokens: usage.input + usage.output,
      }
    : { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  if (!req.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    const message =
      script.kind === 'tool'
        ? {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: script.name, arguments: script.args } },
            ],
          }
        : { role: 'assistant', content: script.kind === 'text' ? script.text : '' };
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model: req.model,
        choices: [{ index: 0, message, finish_reason: script.kind === 'tool' ? 'tool_calls' : 'stop' }],
        usage: usageJson,
      }),
    );
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: req.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  if (script.kind === 'hang') {
    res.write(chunk({ role: 'assistant', content: script.afterText ?? '' }));
    return; // never ends; the client's timeout stops it
  }
  if (script.kind === 'tool') {
    res.write(
      chunk({
        role: 'assistant',
        tool_calls: [
          {
            index: 0,
            id: 'call_1',
            type: 'function',
            function: { name: script.name, arguments: script.args },
          },
        ],
      }),
    );
    res.write(chunk({}, 'tool_calls'));
  } else if (script.kind === 'text') {
    if (script.firstDelayMs) await sleep(script.firstDelayMs);
    for (const piece of script.chunks ?? words(script.text)) {
      if (res.destroyed) return;
      res.write(chunk({ role: 'assistant', content: piece }));
      if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
    }
    if (script.gate) await script.gate;
    for (const piece of script.after ?? []) res.write(chunk({ role: 'assistant', content: piece }));
    res.write(chunk({}, 'stop'));
  }
  res.write(
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: req.model, choices: [], usage: usageJson })}\n\n`,
  );
  res.end('data: [DONE]\n\n');
}

async function writeAnthropic(res: http.ServerResponse, req: FakeRequest, script: Script): Promise<void> {
  if (script.kind === 'malformed') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('event: message_start\ndata: {"type": "message_start", "message": {\n\n');
    return;
  }
  const usage = script.kind === 'text' || script.kind === 'tool' ? script.usage : undefined;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  res.write(
    event('message_start', {
      message: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model: req.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage?.input ?? 10, output_tokens: 1 },
      },
    }),
  );
  if (script.kind === 'hang') {
    res.write(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    res.write(
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: script.afterText ?? '' } }),
    );
    return;
  }
  if (script.kind === 'tool') {
    res.write(
      event('content_block_start', {
        index: 0,
        content_block: { type: 'tool_use', id: 'toolu_1', name: script.name, input: {} },
      }),
    );
    res.write(
      event('content_block_delta', {
        index: 0,
        delta: { type: 'input_json_delta', partial_json: script.args },
      }),
    );
    res.write(event('content_block_stop', { index: 0 }));
    res.write(
      event('message_delta', {
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: usage?.output ?? 5 },
      }),
    );
  } else if (script.kind === 'text') {
    if (script.firstDelayMs) await sleep(script.firstDelayMs);
    res.write(event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    for (const piece of script.chunks ?? words(script.text)) {
      if (res.destroyed) return;
      res.write(event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
      if (script.chunkDelayMs) await sleep(script.chunkDelayMs);
    }
    res.write(event('content_block_stop', { index: 0 }));
    res.write(
      event('message_delta', {
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: usage?.output ?? 5 },
      }),
    );
  }
  res.end(event('message_stop', {}));
}

export interface FakeLlmServer {
  /** Base URL for LLM_BASE_URL (OpenAI-compatible: …/v1; Anthropic: the same, it posts …/v1/messages). */
  url: string;
  requests: FakeRequest[];
  /** Replaces the model-name behaviours until reset (undefined). */
  handler: Behaviour | undefined;
  close(): Promise<void>;
}

export async function startFakeLlmServer(): Promise<FakeLlmServer> {
  const requests: FakeRequest[] = [];
  const counts = new Map<string, number>();
  const state: FakeLlmServer = {
    url: '',
    requests,
    handler: undefined,
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          res.writeHead(400).end('{"error":"bad json"}');
          return;
        }
        const isAnthropic = req.url?.endsWith('/messages') ?? false;
        if (!isAnthropic && !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404).end();
          return;
        }
        const parsed = isAnthropic ? parseAnthropic(body, req.headers) : parseOpenAi(body, req.headers);
        requests.push(parsed);
        const count = counts.get(parsed.model) ?? 0;
        counts.set(parsed.model, count + 1);
        const script = (state.handler ?? behaviourFor(parsed.model))(parsed, count);
        if (script.kind === 'status') {
          res.writeHead(script.status, { 'content-type': 'application/json' }).end(script.body ?? '{}');
          return;
        }
        if (isAnthropic) await writeAnthropic(res, parsed, script);
        else await writeOpenAi(res, parsed, script);
      })().catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}/v1`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
