/**
 * The admin WebSocket (/api/v1/ws/admin, docs/live.md): a one-time ticket per connection, reconnects
 * with back-off and resumes after the last event id it saw, so nothing is missed across a drop.
 */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

export interface LiveEvent {
  id: number | null;
  type: string;
  sessionId?: string;
  at?: string;
  data?: Record<string, unknown>;
}

type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<(connected: boolean) => void>();
let socket: WebSocket | undefined;
let lastEventId: number | undefined;
let running = false;
let delayMs = 1000;
let timer: number | undefined;
let connected = false;

function setConnected(value: boolean): void {
  connected = value;
  for (const listener of statusListeners) listener(value);
}

async function connect(): Promise<void> {
  if (!running) return;
  try {
    const { url } = await api<{ url: string }>('POST', '/api/v1/admin/ws-ticket', {});
    if (!running) return;
    const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const resume = lastEventId === undefined ? '' : `&lastEventId=${lastEventId}`;
    const ws = new WebSocket(`${scheme}//${window.location.host}${url}${resume}`);
    socket = ws;
    ws.onmessage = (message) => {
      let event: LiveEvent;
      try {
        event = JSON.parse(String(message.data)) as LiveEvent;
      } catch {
        return;
      }
      if (event.type === 'ready') {
        delayMs = 1000;
        setConnected(true);
        return;
      }
      if (event.type === 'pong') return;
      if (typeof event.id === 'number') lastEventId = event.id;
      for (const listener of listeners) listener(event);
    };
    ws.onclose = () => {
      if (socket === ws) socket = undefined;
      setConnected(false);
      schedule();
    };
  } catch {
    setConnected(false);
    schedule();
  }
}

function schedule(): void {
  if (!running) return;
  window.clearTimeout(timer);
  timer = window.setTimeout(() => void connect(), delayMs);
  delayMs = Math.min(delayMs * 2, 30_000);
}

/** Opens the stream (after sign-in). Events from "now" on; later reconnects resume. */
export function startLive(): void {
  if (running) return;
  running = true;
  delayMs = 1000;
  void connect();
}

export function stopLive(): void {
  running = false;
  window.clearTimeout(timer);
  lastEventId = undefined;
  socket?.close();
  socket = undefined;
  setConnected(false);
}

/** Calls the handler for every live event while the component is mounted. */
export function useLiveEvents(handler: Listener, deps: unknown[] = []): void {
  useEffect(() => {
    listeners.add(handler);
    return () => {
      listeners.delete(handler);
    };
  }, deps);
}

export function useLiveStatus(): boolean {
  const [value, setValue] = useState(connected);
  useEffect(() => {
    statusListeners.add(setValue);
    setValue(connected);
    return () => {
      statusListeners.delete(setValue);
    };
  }, []);
  return value;
}

/** Calls fn at most once per waitMs (trailing), for refetching on bursts of events. */
export function throttle(fn: () => void, waitMs: number): () => void {
  let pending: number | undefined;
  return () => {
    if (pending !== undefined) return;
    pending = window.setTimeout(() => {
      pending = undefined;
      fn();
    }, waitMs);
  };
}
