/** Leads: the filtered table with status changes and exports, and one lead with its notes and conversation. */
import { useState } from 'preact/hooks';
import { api, query, type StaffUser } from '../api.js';
import { formatDateTime, useI18n, type TextKey, type Translate } from '../i18n.js';
import { ErrorBox, errorText, Field, Link, Loading, PageTitle, useLoad } from '../ui.js';

interface Lead {
  id: string;
  source: string;
  status: LeadStatus;
  score: number;
  name: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  areaM2: number | null;
  packageId: string | null;
  budgetPln: number | null;
  message: string | null;
  locale: string;
  consent: { processing: boolean; marketing: boolean; at: string };
  conversationId: string | null;
  createdAt: string;
}

interface Note {
  id: string;
  authorId: string | null;
  text: string;
  createdAt: string;
}

type LeadStatus = 'new' | 'contacted' | 'qualified' | 'won' | 'lost';
const STATUSES: LeadStatus[] = ['new', 'contacted', 'qualified', 'won', 'lost'];
/** The pipeline of docs/leads.md: where each status may go next. */
const NEXT: Record<LeadStatus, LeadStatus[]> = {
  new: ['contacted', 'lost'],
  contacted: ['qualified', 'lost'],
  qualified: ['won', 'lost'],
  won: [],
  lost: [],
};

const statusLabel = (t: Translate, s: string) => t(`ls_${s}` as TextKey) ?? s;

function StatusSelect(props: {
  lead: Lead;
  disabled: boolean;
  onChange(status: LeadStatus): void;
  id?: string;
}) {
  const { t } = useI18n();
  const options = [props.lead.status, ...NEXT[props.lead.status]];
  return (
    <select
      id={props.id}
      name="status"
      aria-label={t('changeStatus')}
      value={props.lead.status}
      disabled={props.disabled || options.length === 1}
      onChange={(e) => props.onChange(e.currentTarget.value as LeadStatus)}
    >
      {options.map((s) => (
        <option key={s} value={s}>
          {statusLabel(t, s)}
        </option>
      ))}
    </select>
  );
}

export function LeadsScreen(props: { user: StaffUser }) {
  const { t, lang } = useI18n();
  const [status, setStatus] = useState('');
  const [source, setSource] = useState('');
  const [minScore, setMinScore] = useState('');
  const [q, setQ] = useState('');
  const [applied, setApplied] = useState({ status: '', source: '', minScore: '', q: '' });
  const [more, setMore] = useState<Lead[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [message, setMessage] = useState<{ error: boolean; text: string }>();

  const list = useLoad(async () => {
    const answer = await api<{ leads: Lead[]; nextCursor: string | null }>(
      'GET',
      `/api/v1/admin/leads${query({ ...applied, limit: 50 })}`,
    );
    setMore([]);
    setCursor(answer.nextCursor);
    return answer.leads;
  }, [applied]);

  const loadMore = async () => {
    if (!cursor) return;
    const answer = await api<{ leads: Lead[]; nextCursor: string | null }>(
      'GET',
      `/api/v1/admin/leads${query({ ...applied, limit: 50, cursor })}`,
    );
    setMore((m) => [...m, ...answer.leads]);
    setCursor(answer.nextCursor);
  };

  const changeStatus = async (lead: Lead, next: LeadStatus) => {
    setMessage(undefined);
    try {
      await api('PATCH', `/api/v1/admin/leads/${lead.id}`, { status: next });
      setMessage({ error: false, text: t('statusChanged') });
    } catch (err) {
      setMessage({ error: true, text: errorText(t, err) });
    }
    list.reload();
  };

  const rows = [...(list.data ?? []), ...more];
  const exportQuery = (format: string) => `/api/v1/admin/leads/export${query({ ...applied, format })}`;
  const canWrite = props.user.role !== 'viewer';
  return (
    <>
      <PageTitle>{t('leads')}</PageTitle>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ status, source, minScore, q: q.trim() });
        }}
      >
        <Field label={t('status')}>
          <select name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">{t('any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(t, s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('source')}>
          <select name="source" value={source} onChange={(e) => setSource(e.currentTarget.value)}>
            <option value="">{t('any')}</option>
            {['chat', 'form', 'phone'].map((s) => (
              <option key={s} value={s}>
                {t(`src_${s}` as TextKey)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('minScore')}>
          <input
            type="number"
            name="minScore"
            min={0}
            max={100}
            inputMode="numeric"
            value={minScore}
            onInput={(e) => setMinScore(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('search')}>
          <input
            type="search"
            name="q"
            placeholder={t('searchLeads')}
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">{t('search')}</button>
      </form>
      {canWrite && (
        <p class="button-row">
          <a class="button secondary" href={exportQuery('csv')} download>
            {t('exportCsv')}
          </a>
          <a class="button secondary" href={exportQuery('json')} download>
            {t('exportJson')}
          </a>
        </p>
      )}
      {message && (
        <p class={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!list.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p class="muted">{t('noLeads')}</p>
      ) : (
        <table class="table leads-table">
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('status')}</th>
              <th scope="col">{t('score')}</th>
              <th scope="col">{t('source')}</th>
              <th scope="col">{t('city')}</th>
              <th scope="col">{t('created')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((lead) => (
              <tr key={lead.id}>
                <th scope="row" data-label={t('name')}>
                  <Link to={`/leads/${lead.id}`}>
                    {lead.name ?? lead.email ?? lead.phone ?? lead.id.slice(0, 8)}
                  </Link>
                </th>
                <td data-label={t('status')}>
                  <StatusSelect
                    lead={lead}
                    disabled={!canWrite}
                    onChange={(s) => void changeStatus(lead, s)}
                  />
                </td>
                <td data-label={t('score')}>{lead.score}</td>
                <td data-label={t('source')}>{t(`src_${lead.source}` as TextKey) ?? lead.source}</td>
                <td data-label={t('city')}>{lead.city ?? '—'}</td>
                <td data-label={t('created')}>{formatDateTime(lang, lead.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" class="secondary" onClick={() => void loadMore()}>
          {t('loadMore')}
        </button>
      )}
    </>
  );
}

export function LeadScreen(props: { id: string; user: StaffUser }) {
  const { t, lang } = useI18n();
  const detail = useLoad(
    () => api<{ lead: Lead; notes: Note[] }>('GET', `/api/v1/admin/leads/${props.id}`),
    [props.id],
  );
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string }>();
  const [busy, setBusy] = useState(false);
  const canWrite = props.user.role !== 'viewer';

  const run = async (fn: () => Promise<unknown>, ok: string, after?: () => void) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await fn();
      after?.();
      setMessage({ error: false, text: ok });
    } catch (err) {
      setMessage({ error: true, text: errorText(t, err) });
    } finally {
      setBusy(false);
      detail.reload();
    }
  };

  if (!detail.data) {
    return (
      <>
        <PageTitle>{t('lead')}</PageTitle>
        {detail.error ? <ErrorBox error={detail.error} onRetry={detail.reload} /> : <Loading />}
      </>
    );
  }
  const { lead, notes } = detail.data;
  const rows: Array<[TextKey, string | number | null]> = [
    ['email', lead.email],
    ['phone', lead.phone],
    ['city', lead.city],
    ['area', lead.areaM2],
    ['package', lead.packageId],
    ['budget', lead.budgetPln],
    ['source', t(`src_${lead.source}` as TextKey) ?? lead.source],
    ['score', lead.score],
    ['created', formatDateTime(lang, lead.createdAt)],
    ['message', lead.message],
  ];
  return (
    <>
      <p>
        <Link to="/leads">← {t('back')}</Link>
      </p>
      <PageTitle>{lead.name ?? t('lead')}</PageTitle>
      {message && (
        <p class={message.error ? 'error' : 'notice'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
      <div class="split">
        <section class="card" aria-labelledby="lead-data">
          <h2 id="lead-data">{t('details')}</h2>
          <dl class="details">
            {rows.map(([key, value]) => (
              <div key={key}>
                <dt>{t(key)}</dt>
                <dd>{value === null || value === '' ? '—' : String(value)}</dd>
              </div>
            ))}
            <div>
              <dt>{t('consent')}</dt>
              <dd>
                {t('processing')}: {lead.consent.processing ? t('yes') : t('no')}, {t('marketing')}:{' '}
                {lead.consent.marketing ? t('yes') : t('no')}
              </dd>
            </div>
          </dl>
          <Field label={t('status')}>
            <StatusSelect
              lead={lead}
              disabled={!canWrite || busy}
              onChange={(s) =>
                void run(
                  () => api('PATCH', `/api/v1/admin/leads/${lead.id}`, { status: s }),
                  t('statusChanged'),
                )
              }
            />
          </Field>
          {lead.conversationId && (
            <p>
              <Link to={`/conversations/${lead.conversationId}`}>{t('openConversation')}</Link>
            </p>
          )}
        </section>
        <section class="card" aria-labelledby="lead-notes">
          <h2 id="lead-notes">{t('notes')}</h2>
          {notes.length === 0 ? (
            <p class="muted">{t('noNotes')}</p>
          ) : (
            <ul class="plain notes">
              {notes.map((n) => (
                <li key={n.id}>
                  <span class="muted small">{formatDateTime(lang, n.createdAt)}</span>
                  <p class="note-text">{n.text}</p>
                </li>
              ))}
            </ul>
          )}
          {canWrite && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                const text = note.trim();
                if (!text) return;
                void run(
                  () => api('POST', `/api/v1/admin/leads/${lead.id}/notes`, { text }),
                  t('addNote'),
                  () => setNote(''),
                );
              }}
            >
              <Field label={t('noteLabel')}>
                <textarea name="note" rows={3} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
              </Field>
              <button type="submit" disabled={busy || !note.trim()}>
                {t('addNote')}
              </button>
            </form>
          )}
        </section>
      </div>
    </>
  );
}
