export interface StoredSession {
  sessionId: string;
  sessionSecret: string;
}

interface StoredState {
  session?: StoredSession;
  open?: boolean;
  /** The last live event the widget processed, for the session stored with it. */
  live?: { sessionId: string; lastEventId: number };
}

/** Widget state kept in the host page's localStorage under one namespaced key per Frontdesk server. */
export class WidgetStorage {
  private readonly key: string;
  private memory: StoredState = {};

  constructor(baseUrl: string) {
    this.key = 'frontdesk-widget:v1:' + baseUrl;
  }

  private read(): StoredState {
    try {
      const raw = window.localStorage.getItem(this.key);
      if (!raw) return this.memory;
      const parsed = JSON.parse(raw) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as StoredState) : {};
    } catch {
      return this.memory;
    }
  }

  private write(state: StoredState): void {
    this.memory = state;
    try {
      window.localStorage.setItem(this.key, JSON.stringify(state));
    } catch {
      // Storage can be disabled or full; the in-memory copy keeps the current page working.
    }
  }

  session(): StoredSession | undefined {
    const session = this.read().session;
    return session && typeof session.sessionId === 'string' && typeof session.sessionSecret === 'string'
      ? session
      : undefined;
  }

  saveSession(session: StoredSession): void {
    this.write({ ...this.read(), session });
  }

  clearSession(): void {
    const { session: _session, ...rest } = this.read();
    this.write(rest);
  }

  lastEventId(): number | undefined {
    const state = this.read();
    const live = state.live;
    return live &&
      state.session &&
      live.sessionId === state.session.sessionId &&
      typeof live.lastEventId === 'number'
      ? live.lastEventId
      : undefined;
  }

  saveLastEventId(lastEventId: number): void {
    const state = this.read();
    if (state.session) this.write({ ...state, live: { sessionId: state.session.sessionId, lastEventId } });
  }

  isOpen(): boolean {
    return this.read().open === true;
  }

  saveOpen(open: boolean): void {
    this.write({ ...this.read(), open });
  }
}
