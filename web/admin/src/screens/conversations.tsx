/** Conversations: the live handoff queue, the filtered list, and one conversation with its transcript. */
import { useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, query, type StaffUser } from '../api.js';
import { formatDateTime, useI18n, type Lang, type TextKey, type Translate } from '../i18n.js';
import { throttle, useLiveEvents } from '../live.js';
import { navigate } from '../router.js';
import { ErrorBox, errorText, Field, Link, Loading, PageTitle, useLoad } from '../ui.js';

interface ConversationSummary {
  sessionId: string;
  channel: string;
  locale: string;
  status: string;
  endReason: string | null;
  handoffStatus: string | null;
  messageCount: number;
  createdAt: string;
  lastActivityAt: string;
}

interface Handoff {
  id: string;
  sessionId: string;
  reason: string;
  status: 'waiting' | 'claimed' | 'released' | 'closed';
  summary: string;
  claimedBy: string | null;
  createdAt: string;
}

interface Message {
  id: string;
  role: 'user' | 'assistant' | 'operator' | 'system';
  text: string;
  createdAt: string;
}

interface ConversationDetail {
  session: ConversationSummary;
  messages: Message[];
  details: Record<string, unknown>;
  handoffs: Handoff[];
  leadId: string | null;
}

interface Upload {
  id: string;
  name: string;
  kind: string;
  size: number;
  contentType: string;
  createdAt: string;
}

const canOperate = (user: StaffUser) => user.role !== 'viewer';

function useReloadOnLive(reload: () => void, accept: (type: string, sessionId?: string) => boolean) {
  const throttled = useMemo(() => throttle(reload, 300), [reload]);
  useLiveEvents(
    (event) => {
      if (accept(event.type, event.sessionId)) throttled();
    },
    [throttled],
  );
}

function HandoffQueue() {
  const { t, lang } = useI18n();
  const queue = useLoad(async () => {
    const [waiting, claimed] = await Promise.all([
      api<{ handoffs: Handoff[] }>('GET', '/api/v1/admin/handoffs?status=waiting'),
      api<{ handoffs: Handoff[] }>('GET', '/api/v1/admin/handoffs?status=claimed'),
    ]);
    return [...waiting.handoffs, ...claimed.handoffs];
  }, []);
  useReloadOnLive(queue.reload, (type) => type === 'queue' || type === 'handoff' || type === 'session_ended');
  return (
    <section class="card queue" aria-labelledby="queue-title">
      <h2 id="queue-title">{t('queue')}</h2>
      {queue.error ? <ErrorBox error={queue.error} onRetry={queue.reload} /> : null}
      {!queue.data ? (
        <Loading />
      ) : queue.data.length === 0 ? (
        <p class="muted">{t('queueEmpty')}</p>
      ) : (
        <ul class="queue-list" aria-live="polite">
          {queue.data.map((h) => (
            <li key={h.id} class={`queue-item ${h.status}`}>
              <Link to={`/conversations/${h.sessionId}`}>
                <span class={`badge ${h.status}`}>{t(`hs_${h.status}` as TextKey)}</span>{' '}
                <span class="queue-summary">{h.summary || h.reason}</span>
              </Link>
              <span class="muted small">{formatDateTime(lang, h.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function ConversationsScreen(_props: { user: StaffUser }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState('');
  const [hasHandoff, setHasHandoff] = useState('');
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState({ status: '', hasHandoff: '', search: '' });
  const [more, setMore] = useState<ConversationSummary[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);

  const list = useLoad(async () => {
    const answer = await api<{ conversations: ConversationSummary[]; nextBefore: string | null }>(
      'GET',
      `/api/v1/admin/conversations${query({ ...applied, limit: 30 })}`,
    );
    setMore([]);
    setNextBefore(answer.nextBefore);
    return answer.conversations;
  }, [applied]);
  useReloadOnLive(list.reload, (type) => type !== 'typing');

  const loadMore = async () => {
    if (!nextBefore) return;
    const answer = await api<{ conversations: ConversationSummary[]; nextBefore: string | null }>(
      'GET',
      `/api/v1/admin/conversations${query({ ...applied, limit: 30, before: nextBefore })}`,
    );
    setMore((m) => [...m, ...answer.conversations]);
    setNextBefore(answer.nextBefore);
  };

  const rows = [...(list.data ?? []), ...more];
  return (
    <>
      <PageTitle>{t('conversations')}</PageTitle>
      <HandoffQueue />
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ status, hasHandoff, search: search.trim() });
        }}
      >
        <Field label={t('filterStatus')}>
          <select name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">{t('any')}</option>
            <option value="active">{t('active')}</option>
            <option value="ended">{t('ended')}</option>
          </select>
        </Field>
        <Field label={t('filterHandoff')}>
          <select name="hasHandoff" value={hasHandoff} onChange={(e) => setHasHandoff(e.currentTarget.value)}>
            <option value="">{t('any')}</option>
            <option value="true">{t('withHandoff')}</option>
            <option value="false">{t('withoutHandoff')}</option>
          </select>
        </Field>
        <Field label={t('search')}>
          <input
            type="search"
            name="search"
            placeholder={t('searchConversations')}
            value={search}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">{t('search')}</button>
      </form>
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p class="muted">{t('noConversations')}</p>
      ) : (
        <ul class="rows conversation-list">
          {rows.map((c) => (
            <li key={c.sessionId} class="row">
              <Link to={`/conversations/${c.sessionId}`} class="row-link">
                <span class="row-main">
                  <span class={`badge ${c.status}`}>{t(`status_${c.status}` as TextKey) ?? c.status}</span>
                  {c.handoffStatus && (
                    <span class={`badge ${c.handoffStatus}`}>{t(`hs_${c.handoffStatus}` as TextKey)}</span>
                  )}
                  <span class="mono">{c.sessionId.slice(0, 10)}…</span>
                </span>
                <span class="row-meta muted small">
                  {c.channel} · {c.locale} · {t('messages')}: {c.messageCount} · {t('lastActivity')}:{' '}
                  {formatDateTime(lang, c.lastActivityAt)}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {nextBefore && (
        <button type="button" class="secondary" onClick={() => void loadMore()}>
          {t('loadMore')}
        </button>
      )}
    </>
  );
}

/** Extracted details in the order staff read them; other keys follow in the order they came. */
const DETAIL_ORDER = [
  'firstName',
  'email',
  'phone',
  'city',
  'areaM2',
  'packageId',
  'budgetPln',
  'quote',
  'intent',
  'inServiceArea',
];
/** Older records name some details differently. */
const DETAIL_ALIASES: Record<string, string> = { package: 'packageId', area: 'areaM2', budget: 'budgetPln' };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const locale = (lang: Lang) => (lang === 'pl' ? 'pl-PL' : 'en-GB');
const number = (lang: Lang, n: number) => n.toLocaleString(locale(lang), { maximumFractionDigits: 2 });
const money = (lang: Lang, n: number, currency = 'PLN') =>
  n.toLocaleString(locale(lang), { style: 'currency', currency, maximumFractionDigits: 0 });

/** "express-plus" → "Express Plus": the package's id as a name (the names live in the knowledge base). */
function packageName(id: string): string {
  return id
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toLocaleUpperCase() + w.slice(1))
    .join(' ');
}

/** "roomCount" → "Room count", for details this panel has no label for. */
function humanKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function detailLabel(t: Translate, key: string): string {
  return DETAIL_ORDER.includes(key) ? t(`detail_${key}` as TextKey) : humanKey(key);
}

function detailValue(t: Translate, lang: Lang, key: string, value: unknown): string {
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'number') {
    if (key === 'areaM2') return `${number(lang, value)} m²`;
    if (key === 'budgetPln') return money(lang, value);
    return number(lang, value);
  }
  if (typeof value === 'string') {
    if (key === 'packageId') return packageName(value);
    if (key === 'intent') return t(`intent_${value}` as TextKey) ?? value.replace(/_/g, ' ');
    if (ISO_DATE.test(value)) return formatDateTime(lang, value);
    return value;
  }
  if (key === 'quote' && value && typeof value === 'object') {
    const q = value as {
      packageId?: unknown;
      areaM2?: unknown;
      min?: unknown;
      max?: unknown;
      currency?: unknown;
    };
    const currency = typeof q.currency === 'string' && /^[A-Z]{3}$/.test(q.currency) ? q.currency : 'PLN';
    const parts: string[] = [];
    if (typeof q.packageId === 'string') parts.push(packageName(q.packageId));
    if (typeof q.areaM2 === 'number') parts.push(`${number(lang, q.areaM2)} m²`);
    const range =
      typeof q.min === 'number' && typeof q.max === 'number'
        ? q.min === q.max
          ? money(lang, q.min, currency)
          : `${money(lang, q.min, currency)} – ${money(lang, q.max, currency)}`
        : '';
    return [parts.join(', '), range].filter(Boolean).join(': ');
  }
  return JSON.stringify(value);
}

function DetailList(props: { data: Record<string, unknown> }) {
  const { t, lang } = useI18n();
  const normalized = new Map<string, unknown>();
  for (const [key, value] of Object.entries(props.data)) {
    if (value === null || value === undefined || value === '') continue;
    const name = DETAIL_ALIASES[key] ?? key;
    if (!normalized.has(name)) normalized.set(name, value);
  }
  const rank = (key: string) => {
    const i = DETAIL_ORDER.indexOf(key);
    return i === -1 ? DETAIL_ORDER.length : i;
  };
  // Whether the city is served says nothing while no city is known.
  if (!normalized.has('city')) normalized.delete('inServiceArea');
  const entries = [...normalized.entries()].sort((a, b) => rank(a[0]) - rank(b[0]));
  return (
    <dl class="details">
      {entries.map(([key, value]) => (
        <div key={key} data-detail={key}>
          <dt>{detailLabel(t, key)}</dt>
          <dd>{detailValue(t, lang, key, value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function kb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} kB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function ConversationScreen(props: { sessionId: string; user: StaffUser }) {
  const { t, lang } = useI18n();
  const { sessionId, user } = props;
  const detail = useLoad(
    () => api<ConversationDetail>('GET', `/api/v1/admin/conversations/${encodeURIComponent(sessionId)}`),
    [sessionId],
  );
  const uploads = useLoad(
    () =>
      api<{ uploads: Upload[] }>(
        'GET',
        `/api/v1/admin/conversations/${encodeURIComponent(sessionId)}/uploads`,
      ),
    [sessionId],
  );
  const [customerTyping, setCustomerTyping] = useState(false);
  const reloadBoth = useMemo(
    () => () => {
      detail.reload();
      uploads.reload();
    },
    [detail.reload, uploads.reload],
  );
  useReloadOnLive(reloadBoth, (type, sid) => sid === sessionId && type !== 'typing');
  useLiveEvents(
    (event) => {
      if (event.sessionId !== sessionId) return;
      if (event.type === 'typing' && event.data?.['who'] === 'customer')
        setCustomerTyping(event.data['active'] === true);
      if (event.type === 'message' && event.data?.['role'] === 'user') setCustomerTyping(false);
    },
    [sessionId],
  );

  const [reply, setReply] = useState('');
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const lastTyping = useRef(0);
  const replyRef = useRef<HTMLTextAreaElement>(null);

  const act = async (fn: () => Promise<unknown>, after?: () => void) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await fn();
      after?.();
    } catch (err) {
      setActionError(
        err instanceof ApiError && err.code === 'already_claimed' ? t('alreadyClaimed') : errorText(t, err),
      );
    } finally {
      setBusy(false);
      detail.reload();
    }
  };

  if (!detail.data) {
    return (
      <>
        <PageTitle>{t('transcript')}</PageTitle>
        {detail.error ? <ErrorBox error={detail.error} onRetry={detail.reload} /> : <Loading />}
      </>
    );
  }
  const d = detail.data;
  const open = d.handoffs.find((h) => h.status === 'waiting' || h.status === 'claimed');
  const mine = open?.status === 'claimed' && (open.claimedBy === user.id || user.role === 'admin');
  const base = `/api/v1/admin/conversations/${encodeURIComponent(sessionId)}`;

  return (
    <>
      <p>
        <Link to="/conversations">← {t('back')}</Link>
      </p>
      <PageTitle>{`${t('transcript')} ${sessionId.slice(0, 10)}…`}</PageTitle>
      <p class="muted small">
        <span class={`badge ${d.session.status}`}>
          {t(`status_${d.session.status}` as TextKey) ?? d.session.status}
        </span>{' '}
        {d.session.channel} · {d.session.locale} · {formatDateTime(lang, d.session.createdAt)}
        {d.leadId && (
          <>
            {' · '}
            <Link to={`/leads/${d.leadId}`}>{t('openLead')}</Link>
          </>
        )}
      </p>
      <div class="split">
        <section class="card transcript-card" aria-labelledby="transcript-title">
          <h2 id="transcript-title">{t('transcript')}</h2>
          <ol class="transcript" aria-live="polite">
            {d.messages.map((m) => (
              <li key={m.id} class={`msg ${m.role}`} data-role={m.role}>
                <span class="msg-who">
                  {t(`role_${m.role}` as TextKey)} · {formatDateTime(lang, m.createdAt)}
                </span>
                <span class="msg-text">{m.text}</span>
              </li>
            ))}
          </ol>
          {customerTyping && (
            <p class="muted small" role="status">
              {t('customerTyping')}
            </p>
          )}
          {open && canOperate(user) && (
            <div class="handoff-actions">
              {open.status === 'waiting' && (
                <>
                  <p role="status">{t('waitingForPerson')}</p>
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() =>
                      void act(
                        () => api('POST', `/api/v1/admin/handoffs/${open.id}/claim`, {}),
                        () => window.setTimeout(() => replyRef.current?.focus(), 50),
                      )
                    }
                  >
                    {t('claim')}
                  </button>
                </>
              )}
              {open.status === 'claimed' && !mine && <p role="status">{t('claimedByOther')}</p>}
              {mine && (
                <form
                  class="reply"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const text = reply.trim();
                    if (!text) return;
                    void act(
                      () => api('POST', `${base}/messages`, { text }),
                      () => setReply(''),
                    );
                  }}
                >
                  <p role="status">{t('claimedByYou')}</p>
                  <Field label={t('replyLabel')}>
                    <textarea
                      ref={replyRef}
                      name="reply"
                      rows={3}
                      value={reply}
                      onInput={(e) => {
                        setReply(e.currentTarget.value);
                        const now = Date.now();
                        if (now - lastTyping.current > 3000) {
                          lastTyping.current = now;
                          void api('POST', `${base}/typing`, { active: true }).catch(() => undefined);
                        }
                      }}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey))
                          e.currentTarget.form?.requestSubmit();
                      }}
                    />
                  </Field>
                  <div class="button-row">
                    <button type="submit" disabled={busy || !reply.trim()}>
                      {t('send')}
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy}
                      onClick={() =>
                        void act(() => api('POST', `/api/v1/admin/handoffs/${open.id}/release`, {}))
                      }
                    >
                      {t('release')}
                    </button>
                  </div>
                </form>
              )}
            </div>
          )}
          {actionError && (
            <p class="error" role="alert">
              {actionError}
            </p>
          )}
        </section>
        <div class="side">
          <section class="card" aria-labelledby="details-title">
            <h2 id="details-title">{t('details')}</h2>
            {Object.keys(d.details).length === 0 ? (
              <p class="muted">{t('noDetails')}</p>
            ) : (
              <DetailList data={d.details} />
            )}
          </section>
          {d.handoffs.length > 0 && (
            <section class="card" aria-labelledby="handoffs-title">
              <h2 id="handoffs-title">{t('handoff')}</h2>
              <ul class="plain">
                {d.handoffs.map((h) => (
                  <li key={h.id}>
                    <span class={`badge ${h.status}`}>{t(`hs_${h.status}` as TextKey)}</span> {t('reason')}:{' '}
                    {h.reason}
                    {h.summary && <p class="small">{h.summary}</p>}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <section class="card" aria-labelledby="uploads-title">
            <h2 id="uploads-title">{t('attachments')}</h2>
            {uploads.error ? <ErrorBox error={uploads.error} onRetry={uploads.reload} /> : null}
            {!uploads.data ? (
              <Loading />
            ) : uploads.data.uploads.length === 0 ? (
              <p class="muted">{t('noAttachments')}</p>
            ) : (
              <ul class="plain attachments">
                {uploads.data.uploads.map((u) => (
                  <li key={u.id}>
                    <a href={`/api/v1/admin/uploads/${u.id}`} download={u.name}>
                      {t('download')}: {u.name}
                    </a>{' '}
                    <span class="muted small">
                      {u.kind} · {kb(u.size)} · {formatDateTime(lang, u.createdAt)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </>
  );
}

export function goToConversation(sessionId: string): void {
  navigate(`/conversations/${sessionId}`);
}
