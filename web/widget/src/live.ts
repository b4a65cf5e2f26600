import type { WidgetStorage } from './storage';

/** A live event from /api/v1/ws/chat (operator messages, typing, nudges, handoff status). */
export interface LiveEvent {
  id: number | null;
  type: string;
  data: Record<string, unknown>;
}

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * The widget's WebSocket: authenticates with the session secret in its first message (never in the
 * URL), resumes from the last event id it stored, and reconnects with exponential backoff. When
 * WebSockets are unavailable or blocked, the widget keeps working over request/response.
 */
export class LiveConnection {
  private socket: WebSocket | undefined;
  private sessionId: string | undefined;
  private backoff = MIN_BACKOFF_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;

  constructor(
    private readonly baseUrl: string,
    private readonly storage: WidgetStorage,
    private readonly onEvent: (event: LiveEvent) => void,
  ) {}

  /** Connects for the stored session (no-op while already connected to it). */
  start(): void {
    const session = this.storage.session();
    if (!session || typeof WebSocket === 'undefined') return;
    if (!this.stopped && this.sessionId === session.sessionId) return;
    this.stop();
    this.stopped = false;
    this.sessionId = session.sessionId;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
  }

  sendTyping(active: boolean): void {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify({ type: 'typing', active }));
    }
  }

  private open(): void {
    const session = this.storage.session();
    if (this.stopped || !session || session.sessionId !== this.sessionId) return;
    let socket: WebSocket;
    try {
      const url = new URL('/api/v1/ws/chat', this.baseUrl + '/');
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      url.searchParams.set('sessionId', session.sessionId);
      socket = new WebSocket(url.href);
    } catch {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      socket.send(
        JSON.stringify({
          type: 'auth',
          sessionSecret: session.sessionSecret,
          lastEventId: this.storage.lastEventId() ?? 0,
        }),
      );
    };
    socket.onmessage = (message) => {
      let event: LiveEvent;
      try {
        const raw = JSON.parse(String(message.data)) as Partial<LiveEvent>;
        if (typeof raw.type !== 'string') return;
        event = {
          id: typeof raw.id === 'number' ? raw.id : null,
          type: raw.type,
          data: typeof raw.data === 'object' && raw.data !== null ? raw.data : {},
        };
      } catch {
        return;
      }
      if (event.type === 'ready') {
        this.backoff = MIN_BACKOFF_MS;
        return;
      }
      if (event.id !== null) {
        const last = this.storage.lastEventId() ?? 0;
        if (event.id <= last) return;
        this.storage.saveLastEventId(event.id);
      }
      this.onEvent(event);
    };
    socket.onclose = (close) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      // Unknown session or wrong secret: reconnecting cannot help.
      if (close.code === 4401 || close.code === 4400) {
        this.stopped = true;
        return;
      }
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    const delay = this.backoff + Math.floor(Math.random() * 250);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
    this.timer = setTimeout(() => this.open(), delay);
  }
}
