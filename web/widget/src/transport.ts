import { ApiError, parseChatResponse, parseTranscript, requestJson } from './api';
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

/** Request/response over HTTP: POST /api/v1/chat and GET /api/v1/chat/{id}/messages. */
export class HttpTransport implements ChatTransport {
  private readonly listeners = new Set<(event: TransportEvent) => void>();

  constructor(
    private readonly baseUrl: string,
    private readonly storage: WidgetStorage,
  ) {}

  hasSession(): boolean {
    return this.storage.session() !== undefined;
  }

  async send(message: string, locale: Locale | undefined): Promise<ChatResponse> {
    try {
      return await this.post(message, locale, true);
    } catch (error) {
      if (!isSessionGone(error)) throw error;
      this.storage.clearSession();
      return this.post(message, locale, false);
    }
  }

  private async post(
    message: string,
    locale: Locale | undefined,
    withSession: boolean,
  ): Promise<ChatResponse> {
    const session = withSession ? this.storage.session() : undefined;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const body: Record<string, string> = { message };
    if (locale) body.locale = locale;
    if (session) {
      body.sessionId = session.sessionId;
      headers['x-session-secret'] = session.sessionSecret;
    }
    const raw = await requestJson(this.baseUrl + '/api/v1/chat', {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    });
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
