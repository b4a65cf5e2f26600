/**
 * Privacy (admins): find everything kept about a person by e-mail or phone, download it as a zip, or
 * erase it after confirming. The answer of the erasure says what was removed and until when backups
 * still hold it.
 */
import { useState } from 'preact/hooks';
import { api, apiBlob, query } from '../api.js';
import { formatDateTime, useI18n } from '../i18n.js';
import { ConfirmButton, Field, Link, MessageLine, PageTitle, errorText, type Message } from '../ui.js';

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
      <PageTitle>{t('privacy')}</PageTitle>
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
    </>
  );
}
