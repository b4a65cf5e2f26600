/** Small building blocks shared by the screens. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { useI18n, type Translate } from './i18n.js';
import { linkClick, BASE } from './router.js';

/** The screen's heading: it takes the focus when the screen opens, so screen readers announce it. */
export function PageTitle(props: { children: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.children} · Frontdesk`;
    ref.current?.focus({ preventScroll: true });
  }, [props.children]);
  return (
    <h1 tabIndex={-1} ref={ref} class="page-title">
      {props.children}
    </h1>
  );
}

export function Link(props: {
  to: string;
  class?: string;
  children: ComponentChildren;
  'aria-current'?: 'page';
}) {
  return (
    <a
      href={BASE + props.to}
      class={props.class}
      aria-current={props['aria-current']}
      onClick={(event) => linkClick(event, props.to)}
    >
      {props.children}
    </a>
  );
}

export function errorText(t: Translate, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 404) return t('notFound');
    if (error.status === 403 && error.code === 'forbidden') return t('forbidden');
    if (error.message) return error.message;
  }
  return t('genericError');
}

export function ErrorBox(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div class="error" role="alert">
      <p>{errorText(t, props.error)}</p>
      {props.onRetry && (
        <button type="button" class="secondary" onClick={props.onRetry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

/** Loads data for a screen; `reload` fetches again (keeping what is shown until the answer arrives). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: true,
  });
  const generation = useRef(0);
  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => {
        if (mine === generation.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (mine === generation.current) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p class="muted" role="status">
      {t('loading')}
    </p>
  );
}

export function Field(props: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span class="field-label">{props.label}</span>
      {props.children}
      {props.hint && <span class="hint">{props.hint}</span>}
    </label>
  );
}

/**
 * A destructive action in two steps: the first press asks, the second (on "Confirm") acts. No
 * browser dialog, so it works with the keyboard and screen readers like any other button.
 */
export function ConfirmButton(props: {
  label: string;
  confirmLabel: string;
  question: string;
  disabled?: boolean;
  onConfirm(): void;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" class="secondary small" disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={props.question}>
      <span class="confirm-question">{props.question}</span>
      <button
        type="button"
        class="danger small"
        ref={confirmRef}
        onClick={() => {
          setAsking(false);
          props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" class="secondary small" onClick={() => setAsking(false)}>
        {t('cancel')}
      </button>
    </span>
  );
}

export type Message = { error: boolean; text: string } | undefined;

export function MessageLine(props: { message: Message }) {
  if (!props.message) return null;
  return (
    <p class={props.message.error ? 'error' : 'notice'} role={props.message.error ? 'alert' : 'status'}>
      {props.message.text}
    </p>
  );
}

/** Runs an action, reports success or the error in a message line, then calls `after`. */
export function useAction(t: Translate): {
  busy: boolean;
  message: Message;
  setMessage(message: Message): void;
  run(fn: () => Promise<unknown>, ok: string, after?: () => void): Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>();
  const run = async (fn: () => Promise<unknown>, ok: string, after?: () => void) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await fn();
      setMessage({ error: false, text: ok });
      return true;
    } catch (err) {
      setMessage({ error: true, text: errorText(t, err) });
      return false;
    } finally {
      setBusy(false);
      after?.();
    }
  };
  return { busy, message, setMessage, run };
}
