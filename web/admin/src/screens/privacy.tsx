/**
 * Privacy (admins): find everything kept about a person by e-mail or phone, with their consent
 * history, download it as a zip, or erase it after confirming (the answer says what was removed and
 * until when backups still hold it); and the consent trail of everyone, filtered, with a CSV export.
 */
import { useState } from 'preact/hooks';
import { api, apiBlob, query } from '../api.js';
import { formatDateTime, useI18n, type Lang, type TextKey, type Translate } from '../i18n.js';
import {
  ConfirmButton,
  ErrorBox,
  Field,
  Link,
  Loading,
  MessageLine,
  PageTitle,
  errorText,
  useLoad,
  type Message,
} from '../ui.js';

interface SubjectSummary {
  found: boolean;
  counts: Record<string, number>;
  conversations: Array<{ id: string; channel: string; createdAt: string; messageCount: number }>;
  leads: Array<{
    id: string;
    source: string;
    status: string;
    firstName: string | null;
    email: string | null;
    phone: string | null;
    createdAt: string;
  }>;
}

interface ErasureResult {
  erased: Record<string, number>;
  filesRemoved: number;
  remainsIn: string;
  backupsClearBy: string;
}

type Subject = { email?: string; phone?: string };

interface ConsentEvent {
  id: string;
  at: string;
  purpose: string;
  oldValue: string;
  newValue: string;
  source: string;
  leadId: string | null;
  sessionId: string | null;
}

interface ConsentPage {
  events: ConsentEvent[];
  nextCursor: string | null;
}

type ConsentFilters = Record<string, string>;

const CONSENT_URL = '/api/v1/admin/privacy/consents';
const PURPOSES = ['processing', 'marketing'];
const SOURCES = ['chat', 'form', 'unsubscribe', 'erasure', 'staff'];
const VALUES = ['given', 'withdrawn', 'unknown'];

const known = (t: Translate, prefix: string, list: string[], value: string) =>
  list.includes(value) ? t(`${prefix}${value}` as TextKey) : value;

/** Consent events newest first, with "load more" while the API has more. */
function useConsentEvents(filters: ConsentFilters | undefined) {
  const [more, setMore] = useState<ConsentEvent[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [moreError, setMoreError] = useState<unknown>();
  const first = useLoad(async () => {
    if (!filters) return [];
    const page = await api<ConsentPage>('GET', `${CONSENT_URL}${query({ ...filters, limit: 50 })}`);
    setMore([]);
    setCursor(page.nextCursor);
    setMoreError(undefined);
    return page.events;
  }, [JSON.stringify(filters ?? null)]);
  const loadMore = async () => {
    if (!filters || !cursor) return;
    try {
      const page = await api<ConsentPage>('GET', `${CONSENT_URL}${query({ ...filters, limit: 50, cursor })}`);
      setMore((m) => [...m, ...page.events]);
      setCursor(page.nextCursor);
    } catch (err) {
      setMoreError(err);
    }
  };
  return { first, events: [...(first.data ?? []), ...more], cursor, loadMore, moreError };
}

function ConsentTable(props: { events: ConsentEvent[]; caption: string; lang: Lang; t: Translate }) {
  const { events, t, lang } = props;
  return (
    <table class="table consent-table">
      <caption class="sr-only">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('when')}</th>
          <th scope="col">{t('consentPurpose')}</th>
          <th scope="col">{t('consentChange')}</th>
          <th scope="col">{t('consentSource')}</th>
          <th scope="col">{t('consentLead')}</th>
          <th scope="col">{t('consentConversation')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id} data-consent={`${e.purpose}:${e.newValue}:${e.source}`}>
            <th scope="row">{formatDateTime(lang, e.at)}</th>
            <td data-label={t('consentPurpose')}>{known(t, '', PURPOSES, e.purpose)}</td>
            <td data-label={t('consentChange')}>
              {known(t, 'consent_', VALUES, e.oldValue)} →{' '}
              <strong>{known(t, 'consent_', VALUES, e.newValue)}</strong>
            </td>
            <td data-label={t('consentSource')}>{known(t, 'csrc_', SOURCES, e.source)}</td>
            <td data-label={t('consentLead')}>
              {e.leadId ? (
                <Link to={`/leads/${e.leadId}`} class="mono">
                  {e.leadId.slice(0, 8)}
                </Link>
              ) : (
                '—'
              )}
            </td>
            <td data-label={t('consentConversation')}>
              {e.sessionId ? (
                <Link to={`/conversations/${e.sessionId}`} class="mono">
                  {e.sessionId.slice(0, 10)}
                </Link>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A page of consent events with its loading, empty and "load more" states. */
function ConsentEvents(props: { filters: ConsentFilters | undefined; caption: string }) {
  const { t, lang } = useI18n();
  const list = useConsentEvents(props.filters);
  if (list.first.error) return <ErrorBox error={list.first.error} onRetry={list.first.reload} />;
  if (!list.first.data) return <Loading />;
  if (list.events.length === 0) return <p class="muted">{t('noConsentEvents')}</p>;
  return (
    <>
      <ConsentTable events={list.events} caption={props.caption} lang={lang} t={t} />
      {list.moreError ? <ErrorBox error={list.moreError} /> : null}
      {list.cursor && (
        <button type="button" class="secondary" onClick={() => void list.loadMore()}>
          {t('loadMore')}
        </button>
      )}
    </>
  );
}

/** A date input's day as the local midnight, in ISO form (`days` later for an inclusive end). */
function dayStart(date: string, days = 0): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return undefined;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days).toISOString();
}

function ConsentTrailView() {
  const { t } = useI18n();
  const [form, setForm] = useState({ purpose: '', source: '', leadId: '', sessionId: '', from: '', to: '' });
  const [applied, setApplied] = useState<ConsentFilters>({});
  const set = (key: keyof typeof form) => (e: { currentTarget: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.currentTarget.value }));
  const exportHref = `${CONSENT_URL}/export${query(applied)}`;
  return (
    <section aria-labelledby="consent-trail-title">
      <h2 id="consent-trail-title">{t('consentTrail')}</h2>
      <p class="muted small">{t('consentTrailIntro')}</p>
      <form
        class="filters card"
        role="search"
        aria-label={t('consentTrail')}
        onSubmit={(e) => {
          e.preventDefault();
          const next: ConsentFilters = {};
          if (form.purpose) next.purpose = form.purpose;
          if (form.source) next.source = form.source;
          if (form.leadId.trim()) next.leadId = form.leadId.trim();
          if (form.sessionId.trim()) next.sessionId = form.sessionId.trim();
          const from = dayStart(form.from);
          const to = dayStart(form.to, 1);
          if (from) next.from = from;
          if (to) next.to = to;
          setApplied(next);
        }}
      >
        <Field label={t('consentPurpose')}>
          <select name="purpose" value={form.purpose} onChange={set('purpose')}>
            <option value="">{t('any')}</option>
            {PURPOSES.map((p) => (
              <option key={p} value={p}>
                {t(p as TextKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('consentSource')}>
          <select name="source" value={form.source} onChange={set('source')}>
            <option value="">{t('any')}</option>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`csrc_${s}` as TextKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('consentLeadId')}>
          <input name="leadId" autoComplete="off" value={form.leadId} onInput={set('leadId')} />
        </Field>
        <Field label={t('consentSessionId')}>
          <input name="sessionId" autoComplete="off" value={form.sessionId} onInput={set('sessionId')} />
        </Field>
        <Field label={t('dateFrom')}>
          <input name="from" type="date" value={form.from} onInput={set('from')} />
        </Field>
        <Field label={t('dateTo')}>
          <input name="to" type="date" value={form.to} onInput={set('to')} />
        </Field>
        <button type="submit">{t('search')}</button>
      </form>
      <p>
        <a href={exportHref} download>
          {t('exportCsv')}
        </a>
      </p>
      <ConsentEvents filters={applied} caption={t('consentTrail')} />
    </section>
  );
}

async function download(subject: Subject): Promise<void> {
  const blob = await apiBlob('POST', '/api/v1/admin/privacy/export', subject);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'personal-data.zip';
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function PrivacyScreen() {
  const { t } = useI18n();
  const [view, setView] = useState<'person' | 'trail'>('person');
  return (
    <>
      <PageTitle>{t('privacy')}</PageTitle>
      <div class="segmented" role="group" aria-label={t('privacy')}>
        {(['person', 'trail'] as const).map((v) => (
          <button
            key={v}
            type="button"
            class={v === view ? 'small' : 'secondary small'}
            aria-pressed={v === view}
            onClick={() => setView(v)}
          >
            {v === 'person' ? t('privacyPerson') : t('consentTrail')}
          </button>
        ))}
      </div>
      {view === 'person' ? <PersonView /> : <ConsentTrailView />}
    </>
  );
}

function PersonView() {
  const { t, lang } = useI18n();
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [subject, setSubject] = useState<Subject>();
  const [result, setResult] = useState<SubjectSummary>();
  const [erased, setErased] = useState<ErasureResult>();
  const [message, setMessage] = useState<Message>();
  const [busy, setBusy] = useState(false);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await fn();
    } catch (err) {
      setMessage({ error: true, text: errorText(t, err) });
    } finally {
      setBusy(false);
    }
  };

  const search = (next: Subject) =>
    act(async () => {
      setErased(undefined);
      const answer = await api<SubjectSummary>('GET', `/api/v1/admin/privacy/search${query(next)}`);
      setSubject(next);
      setResult(answer);
    });

  const counts = result ? Object.entries(result.counts).filter(([, n]) => n > 0) : [];
  return (
    <>
      <form
        class="filters card"
        role="search"
        aria-label={t('privacySearch')}
        onSubmit={(e) => {
          e.preventDefault();
          const next: Subject = {};
          if (email.trim()) next.email = email.trim();
          if (phone.trim()) next.phone = phone.trim();
          if (!next.email && !next.phone) {
            setMessage({ error: true, text: t('privacyNeedsSubject') });
            return;
          }
          void search(next);
        }}
      >
        <Field label={t('email')}>
          <input
            name="email"
            type="email"
            autoComplete="off"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('phone')}>
          <input
            name="phone"
            type="tel"
            autoComplete="off"
            value={phone}
            onInput={(e) => setPhone(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          {t('search')}
        </button>
      </form>
      <MessageLine message={message} />
      {erased && (
        <section class="card" aria-labelledby="privacy-erased" role="status">
          <h2 id="privacy-erased">{t('erasedTitle')}</h2>
          <ul class="plain">
            {Object.entries(erased.erased).map(([table, n]) => (
              <li key={table}>
                <span class="mono">{table}</span>: {n}
              </li>
            ))}
            <li>
              {t('filesRemoved')}: {erased.filesRemoved}
            </li>
          </ul>
          <p>
            {t('backupsUntil')} {formatDateTime(lang, erased.backupsClearBy)}.{' '}
            <span class="muted">{erased.remainsIn}</span>
          </p>
        </section>
      )}
      {result && subject && !erased && (
        <section class="card" aria-labelledby="privacy-result">
          <h2 id="privacy-result">{result.found ? t('privacyFound') : t('privacyNothing')}</h2>
          {counts.length > 0 && (
            <table class="table counts-table">
              <caption class="sr-only">{t('recordsByTable')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dataTable')}</th>
                  <th scope="col">{t('records')}</th>
                </tr>
              </thead>
              <tbody>
                {counts.map(([table, n]) => (
                  <tr key={table} data-table={table}>
                    <th scope="row" class="mono">
                      {table}
                    </th>
                    <td data-label={t('records')}>{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.conversations.length > 0 && (
            <>
              <h3>{t('conversations')}</h3>
              <ul class="plain">
                {result.conversations.map((c) => (
                  <li key={c.id}>
                    <Link to={`/conversations/${c.id}`}>{formatDateTime(lang, c.createdAt)}</Link>{' '}
                    <span class="muted small">
                      {c.channel} · {c.messageCount} {t('messages').toLowerCase()}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.leads.length > 0 && (
            <>
              <h3>{t('leads')}</h3>
              <ul class="plain">
                {result.leads.map((l) => (
                  <li key={l.id}>
                    <Link to={`/leads/${l.id}`}>{l.firstName ?? l.email ?? l.phone ?? l.id.slice(0, 8)}</Link>{' '}
                    <span class="muted small">
                      {l.status} · {formatDateTime(lang, l.createdAt)}
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          {counts.length > 0 && (
            <div class="button-row privacy-actions">
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  void act(async () => {
                    await download(subject);
                    setMessage({ error: false, text: t('exportReady') });
                  })
                }
              >
                {t('exportZip')}
              </button>
              <ConfirmButton
                label={t('erase')}
                confirmLabel={t('eraseConfirm')}
                question={t('eraseQuestion')}
                disabled={busy}
                onConfirm={() =>
                  void act(async () => {
                    const answer = await api<ErasureResult>('POST', '/api/v1/admin/privacy/erase', {
                      ...subject,
                      confirm: true,
                    });
                    setErased(answer);
                    setResult(undefined);
                  })
                }
              />
            </div>
          )}
        </section>
      )}
      {subject && (result || erased) && (
        <section class="card" aria-labelledby="privacy-consents">
          <h2 id="privacy-consents">{t('consentHistory')}</h2>
          <p class="muted small">{t('consentHistoryIntro')}</p>
          <ConsentEvents
            key={`${JSON.stringify(subject)}-${erased ? 'erased' : 'kept'}`}
            filters={subject}
            caption={t('consentHistory')}
          />
        </section>
      )}
    </>
  );
}
