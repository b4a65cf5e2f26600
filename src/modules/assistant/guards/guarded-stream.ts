/**
 * Streams a reply to the customer sentence by sentence, each release checked by the output guard
 * on everything written so far: a leak is stopped before it is shown, and nothing after it is.
 */
import { stripMarkup, type OutputGuard } from './output-guard.js';

/** Longest text held back while waiting for the end of a sentence. */
const MAX_HOLD = 400;

function lastBoundary(text: string): number {
  let end = -1;
  for (const m of text.matchAll(/[.!?…:;)\n](?=\s)|\n/g)) end = (m.index ?? 0) + 1;
  if (end < 0 && text.length > MAX_HOLD) {
    const space = text.lastIndexOf(' ');
    if (space > 0) end = space;
  }
  return end;
}

export class GuardedStream {
  private text = '';
  private shown = '';
  private stopped = false;

  constructor(
    private readonly guard: OutputGuard,
    private readonly contacts: () => Iterable<string>,
    private readonly emit: (text: string) => void,
  ) {}

  /** True once a check failed: nothing more is shown from this reply. */
  get blocked(): boolean {
    return this.stopped;
  }

  get released(): string {
    return this.shown;
  }

  push(delta: string): void {
    if (this.stopped) return;
    this.text += delta;
    const boundary = lastBoundary(this.text);
    if (boundary > 0) this.release(this.text.slice(0, boundary));
  }

  /** The reply is complete: release the rest if it passes. */
  end(): void {
    if (!this.stopped) this.release(this.text);
  }

  private release(prefix: string): void {
    const verdict = this.guard.check(prefix, this.contacts);
    if (!verdict.ok) {
      this.stopped = true;
      return;
    }
    const clean = stripMarkup(prefix);
    if (!clean.startsWith(this.shown)) {
      this.stopped = true;
      return;
    }
    const next = clean.slice(this.shown.length);
    if (next.length > 0) {
      this.shown = clean;
      this.emit(next);
    }
  }
}
