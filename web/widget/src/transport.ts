import { ApiError, NetworkError, parseChatResponse, parseTranscript, requestJson } from './api';
import type { WidgetStorage } from './storage';
import type { ChatResponse, Locale, TranscriptMessage } from './types';

/** Something the server pushes without being asked: a message from an operator, or part of a reply. */
export type TransportEvent =
  { type: 'message'; message: TranscriptMessage } | { type: 'partial'; replyId: string; text: string };

export interface SendOptions {
  /** Called with the reply text received so far, for transports that stream. */
  onPartial?: (text: string) => void;
}

/** How the widget talks to the server. The UI depends only on this interface. */
export interface ChatTransport {
  send(message: string, locale: Locale | undefined, options?: SendOptions): Promise<ChatResponse>;
  /** The stored conversation's transcript, or an empty list when there is none (or it expired). */
  loadTranscript(): Promise<TranscriptMessage[]>;
  subscribe(listener: (event: TransportEvent) => void): () => void;
  hasSession(): boolean;
}

function isSessionGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && error.code === 'session_not_found';
}

const STREAM_TIMEOUT_MS = 90_000;

/** The stream could not be used for this message: send it with POST /api/v1/chat instead. */
class StreamUnavailable extends Error {
  /** The endpoint is missing or a proxy breaks streaming: stop trying it. */
  constructor(readonly permanent = false) {
    super('stream_unavailable');
  }
}

interface SseEvent {
  event: string;
  data: string;
}

/** Reads server-sent events from a response body as they arrive. */
async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * Request/response over HTTP: POST /api/v1/chat/stream (the reply shown as it is written), falling back
 * to POST /api/v1/chat when streaming is not possible, and GET /api/v1/chat/{id}/messages.
 */
export class HttpTransport implements ChatTransport {
  private readonly listeners = new Set<(event: TransportEvent) => void>();
  /** Turned off after the stream endpoint proved unusable here. */
  private streaming = typeof ReadableStream !== 'undefined' && typeof TextDecoder !== 'undefined';

  constructor(
    private readonly baseUrl: string,
    private readonly storage: WidgetStorage,
  ) {}

  hasSession(): boolean {
    return this.storage.session() !== undefined;
  }

  async send(message: string, locale: Locale | undefined, options: SendOptions = {}): Promise<ChatResponse> {
    try {
      return await this.sendOnce(message, locale, true, options);
    } catch (error) {
      if (!isSessionGone(error)) throw error;
      this.storage.clearSession();
      return this.sendOnce(message, locale, false, options);
    }
  }

  private async sendOnce(
    message: string,
    locale: Locale | undefined,
    withSession: boolean,
    options: SendOptions,
  ): Promise<ChatResponse> {
    if (this.streaming) {
      try {
        return await this.stream(message, locale, withSession, options);
      } catch (error) {
        if (!(error instanceof StreamUnavailable)) throw error;
        if (error.permanent) this.streaming = false;
      }
    }
    return this.post(message, locale, withSession);
  }

  private request(message: string, locale: Locale | undefined, withSession: boolean) {
    const session = withSession ? this.storage.session() : undefined;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const body: Record<string, string> = { message };
    if (locale) body.locale = locale;
    if (session) {
      body.sessionId = session.sessionId;
      headers['x-session-secret'] = session.sessionSecret;
    }
    return { headers, body: JSON.stringify(body) };
  }

  /**
   * POST /api/v1/chat/stream. Falls back (StreamUnavailable) only while the server has not started the
   * turn; once it has, a broken stream is a network error, so the message is never sent twice.
   */
  private async stream(
    message: string,
    locale: Locale | undefined,
    withSession: boolean,
    options: SendOptions,
  ): Promise<ChatResponse> {
    const { headers, body } = this.request(message, locale, withSession);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), STREAM_TIMEOUT_MS);
    let started = false;
    try {
      let response: Response;
      try {
        response = await fetch(this.baseUrl + '/api/v1/chat/stream', {
          method: 'POST',
          headers: { ...headers, accept: 'text/event-stream' },
          body,
          credentials: 'omit',
          signal: controller.signal,
        });
      } catch {
        throw new StreamUnavailable();
      }
      const type = response.headers.get('content-type') ?? '';
      if (!response.ok) {
        const error = (await response.json().catch(() => null)) as {
          error?: unknown;
          message?: unknown;
        } | null;
        const code = typeof error?.error === 'string' ? error.error : 'http_' + response.status;
        // No such route (an older server) or a proxy in the way: the plain endpoint still works.
        if ((response.status === 404 && code !== 'session_not_found') || response.status === 405) {
          throw new StreamUnavailable(true);
        }
        const retryAfter = Number(response.headers.get('retry-after'));
        throw new ApiError(
          response.status,
          code,
          typeof error?.message === 'string' ? error.message : response.statusText,
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
        );
      }
      if (!type.startsWith('text/event-stream') || !response.body) throw new StreamUnavailable(true);
      let text = '';
      for await (const event of readEvents(response.body)) {
        const data: unknown = JSON.parse(event.data);
        const fields = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
        if (event.event === 'meta') {
          started = true;
          const sessionId = fields.sessionId;
          const sessionSecret = fields.sessionSecret;
          if (typeof sessionId === 'string' && typeof sessionSecret === 'string') {
            this.storage.saveSession({ sessionId, sessionSecret });
          }
        } else if (event.event === 'delta') {
          started = true;
          if (typeof fields.text === 'string') {
            text += fields.text;
            options.onPartial?.(text);
          }
        } else if (event.event === 'done') {
          const done = parseChatResponse(data, locale);
          if (done.sessionSecret) {
            this.storage.saveSession({ sessionId: done.sessionId, sessionSecret: done.sessionSecret });
          }
          return done;
        } else if (event.event === 'error') {
          throw new ApiError(
            500,
            typeof fields.error === 'string' ? fields.error : 'internal_error',
            typeof fields.message === 'string' ? fields.message : 'The reply could not be completed.',
          );
        }
      }
      throw started ? new NetworkError() : new StreamUnavailable();
    } catch (error) {
      if (error instanceof ApiError || error instanceof StreamUnavailable || error instanceof NetworkError)
        throw error;
      // A stream cut in the middle (or unreadable): never resend a message the server already has.
      throw started ? new NetworkError() : new StreamUnavailable();
    } finally {
      clearTimeout(timer);
    }
  }

  private async post(
    message: string,
    locale: Locale | undefined,
    withSession: boolean,
  ): Promise<ChatResponse> {
    const { headers, body } = this.request(message, locale, withSession);
    const raw = await requestJson(this.baseUrl + '/api/v1/chat', { method: 'POST', headers, body });
    const response = parseChatResponse(raw, locale);
    if (response.sessionSecret) {
      this.storage.saveSession({ sessionId: response.sessionId, sessionSecret: response.sessionSecret });
    }
    return response;
  }

  async loadTranscript(): Promise<TranscriptMessage[]> {
    const session = this.storage.session();
    if (!session) return [];
    try {
      const raw = await requestJson(
        this.baseUrl + '/api/v1/chat/' + encodeURIComponent(session.sessionId) + '/messages',
        { headers: { 'x-session-secret': session.sessionSecret } },
      );
      return parseTranscript(raw);
    } catch (error) {
      if (!isSessionGone(error)) throw error;
      this.storage.clearSession();
      return [];
    }
  }

  subscribe(listener: (event: TransportEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
