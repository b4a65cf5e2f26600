/** Operations (admins): integration status, backups, dead letters, the blocklist and the audit log. */
import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import { formatDateTime, useI18n, type TextKey } from '../i18n.js';
import {
  ConfirmButton,
  ErrorBox,
  Field,
  Loading,
  MessageLine,
  PageTitle,
  useAction,
  useLoad,
} from '../ui.js';

interface AdapterStatus {
  adapter: string;
  configured: boolean;
  breaker: 'closed' | 'open' | 'half-open' | null;
}

interface DeadLetter {
  id: string;
  kind: string;
  eventId: string;
  payload: Record<string, unknown>;
  error: string | null;
  failedAt: string;
}

interface BlockEntry {
  id: string;
  kind: 'ip' | 'session';
  value: string;
  reason: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  active: boolean;
}

interface Backup {
  name: string;
  createdAt: string;
  sizeBytes: number;
  encrypted: boolean;
  slots: Array<'daily' | 'weekly' | 'monthly'>;
  verification: 'passed' | 'failed' | 'pending' | 'not_verified';
  verifiedAt: string | null;
  verifyError: string | null;
}

interface BackupList {
  backups: Backup[];
  running: boolean;
  schedule: {
    enabled: boolean;
    hourUtc: number;
    keep: { daily: number; weekly: number; monthly: number };
    encrypted: boolean;
  };
}

interface AuditEntry {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export function OperationsScreen() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('operations')}</PageTitle>
      <Integrations />
      <Backups />
      <DeadLetters />
      <Blocklist />
      <AuditLog />
    </>
  );
}

function Integrations() {
  const { t } = useI18n();
  const status = useLoad(
    () => api<{ adapters: AdapterStatus[] }>('GET', '/api/v1/admin/integrations/status'),
    [],
  );
  return (
    <section class="card" aria-labelledby="ops-integrations">
      <div class="section-head">
        <h2 id="ops-integrations">{t('integrations')}</h2>
        <button type="button" class="secondary small" onClick={status.reload}>
          {t('refresh')}
        </button>
      </div>
      {status.error ? <ErrorBox error={status.error} onRetry={status.reload} /> : null}
      {!status.data ? (
        <Loading />
      ) : (
        <ul class="plain status-list">
          {status.data.adapters.map((a) => (
            <li key={a.adapter} class="status-item" data-adapter={a.adapter}>
              <span class="status-name">{a.adapter}</span>
              <span class={a.configured ? 'badge active' : 'badge'}>
                {a.configured ? t('configured') : t('notConfigured')}
              </span>
              {a.breaker && (
                <span class={a.breaker === 'closed' ? 'badge active' : 'badge waiting'}>
                  {t('breaker')}: {t(`breaker_${a.breaker}` as TextKey)}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function fileSize(bytes: number): string {
  if (bytes >= 1_048_576) return `${(bytes / 1_048_576).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} kB`;
}

const VERIFICATION_BADGE: Record<Backup['verification'], string> = {
  passed: 'badge active',
  failed: 'badge waiting',
  pending: 'badge',
  not_verified: 'badge',
};

function Backups() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<BackupList>('GET', '/api/v1/admin/backups'), []);
  const action = useAction(t);
  const data = list.data;
  const busy = Boolean(data && (data.running || data.backups.some((b) => b.verification === 'pending')));
  // While a backup is being made or verified, look again every few seconds.
  useEffect(() => {
    if (!busy) return undefined;
    const timer = setTimeout(list.reload, 2_000);
    return () => clearTimeout(timer);
  }, [busy, data]);
  const schedule = data?.schedule;
  return (
    <section class="card" aria-labelledby="ops-backups">
      <div class="section-head">
        <h2 id="ops-backups">{t('backups')}</h2>
        <button
          type="button"
          class="small"
          disabled={action.busy || Boolean(data?.running)}
          onClick={() =>
            void action.run(() => api('POST', '/api/v1/admin/backups'), t('backupMade'), list.reload)
          }
        >
          {t('backupNow')}
        </button>
      </div>
      <p class="muted small">{t('backupsIntro')}</p>
      {schedule && (
        <p class="small backup-schedule">
          {schedule.enabled
            ? `${t('backupSchedule')} ${String(schedule.hourUtc).padStart(2, '0')}:00 UTC. `
            : `${t('backupScheduleOff')} `}
          {t('backupRotation')
            .replace('{d}', String(schedule.keep.daily))
            .replace('{w}', String(schedule.keep.weekly))
            .replace('{m}', String(schedule.keep.monthly))}
        </p>
      )}
      <MessageLine message={action.message} />
      {data?.running && !action.busy && !data.backups.some((b) => b.verification === 'pending') ? (
        <p class="muted small" role="status">
          {t('backupRunning')}
        </p>
      ) : null}
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!data ? (
        <Loading />
      ) : data.backups.length === 0 ? (
        <p class="muted">{t('noBackups')}</p>
      ) : (
        <ul class="plain entries backup-list">
          {data.backups.map((backup) => (
            <li key={backup.name} class="entry backup-entry" data-name={backup.name}>
              <div class="entry-main">
                <strong>{formatDateTime(lang, backup.createdAt)}</strong>{' '}
                <span class="muted small">{fileSize(backup.sizeBytes)}</span>{' '}
                <span class={VERIFICATION_BADGE[backup.verification]}>
                  {t(`backupVerification_${backup.verification}` as TextKey)}
                </span>{' '}
                {backup.encrypted && <span class="badge">{t('backupEncrypted')}</span>}{' '}
                {backup.slots.length > 0 ? (
                  backup.slots.map((slot) => (
                    <span key={slot} class="badge">
                      {t(`backupSlot_${slot}` as TextKey)}
                    </span>
                  ))
                ) : (
                  <span class="muted small">{t('backupNotKept')}</span>
                )}
                {backup.verifyError && <p class="entry-error small">{backup.verifyError}</p>}
                <span class="muted small mono">{backup.name}</span>
                {backup.verifiedAt && (
                  <span class="muted small"> · {formatDateTime(lang, backup.verifiedAt)}</span>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function DeadLetters() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ deadLetters: DeadLetter[] }>('GET', '/api/v1/admin/dead-letters'), []);
  const action = useAction(t);
  const letters = list.data?.deadLetters;
  return (
    <section class="card" aria-labelledby="ops-dead-letters">
      <h2 id="ops-dead-letters">{t('deadLetters')}</h2>
      <p class="muted small">{t('deadLettersIntro')}</p>
      <MessageLine message={action.message} />
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!letters ? (
        <Loading />
      ) : letters.length === 0 ? (
        <p class="muted">{t('noDeadLetters')}</p>
      ) : (
        <ul class="plain entries">
          {letters.map((letter) => (
            <li key={letter.id} class="entry" data-id={letter.id}>
              <div class="entry-main">
                <strong>{letter.kind}</strong>{' '}
                <span class="muted small">{formatDateTime(lang, letter.failedAt)}</span>
                {letter.error && <p class="entry-error small">{letter.error}</p>}
                <span class="muted small mono">{letter.eventId}</span>
              </div>
              <div class="button-row">
                <button
                  type="button"
                  class="small"
                  disabled={action.busy}
                  onClick={() =>
                    void action.run(
                      () => api('POST', `/api/v1/admin/dead-letters/${letter.id}/redrive`, {}),
                      t('redriven'),
                      list.reload,
                    )
                  }
                >
                  {t('redrive')}
                </button>
                <ConfirmButton
                  label={t('discard')}
                  confirmLabel={t('discardConfirm')}
                  question={t('discardQuestion')}
                  disabled={action.busy}
                  onConfirm={() =>
                    void action.run(
                      () => api('DELETE', `/api/v1/admin/dead-letters/${letter.id}`),
                      t('discarded'),
                      list.reload,
                    )
                  }
                />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Blocklist() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ entries: BlockEntry[] }>('GET', '/api/v1/admin/blocklist'), []);
  const action = useAction(t);
  const [kind, setKind] = useState<'ip' | 'session'>('ip');
  const [value, setValue] = useState('');
  const [minutes, setMinutes] = useState('60');
  const [reason, setReason] = useState('');
  const entries = list.data?.entries;
  return (
    <section class="card" aria-labelledby="ops-blocklist">
      <h2 id="ops-blocklist">{t('blocklist')}</h2>
      <form
        class="filters"
        aria-label={t('blockAdd')}
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(
              () =>
                api('POST', '/api/v1/admin/blocklist', {
                  kind,
                  value: value.trim(),
                  minutes: Number(minutes),
                  reason: reason.trim(),
                }),
              t('blockAdded'),
              list.reload,
            )
            .then((ok) => {
              if (ok) {
                setValue('');
                setReason('');
              }
            });
        }}
      >
        <Field label={t('blockKind')}>
          <select
            name="kind"
            value={kind}
            onChange={(e) => setKind(e.currentTarget.value as 'ip' | 'session')}
          >
            <option value="ip">{t('blockKind_ip')}</option>
            <option value="session">{t('blockKind_session')}</option>
          </select>
        </Field>
        <Field label={t('blockValue')}>
          <input
            name="value"
            required
            maxLength={100}
            value={value}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('blockMinutes')}>
          <input
            type="number"
            name="minutes"
            required
            min={1}
            max={525600}
            inputMode="numeric"
            value={minutes}
            onInput={(e) => setMinutes(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('reason')}>
          <input
            name="reason"
            required
            maxLength={200}
            value={reason}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </Field>
        <button type="submit" disabled={action.busy}>
          {t('blockAdd')}
        </button>
      </form>
      <MessageLine message={action.message} />
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!entries ? (
        <Loading />
      ) : entries.length === 0 ? (
        <p class="muted">{t('noBlocks')}</p>
      ) : (
        <ul class="plain entries">
          {entries.map((entry) => (
            <li key={entry.id} class="entry" data-id={entry.id}>
              <div class="entry-main">
                <span class={entry.active ? 'badge waiting' : 'badge'}>
                  {entry.active ? t('blockActive') : t('blockEnded')}
                </span>
                <span class="badge">{t(`blockKind_${entry.kind}` as TextKey)}</span>
                <strong class="mono entry-value">{entry.value}</strong>
                <p class="small entry-reason">{entry.reason}</p>
                <span class="muted small">
                  {t('until')} {formatDateTime(lang, entry.expiresAt)}
                </span>
              </div>
              {entry.active && (
                <ConfirmButton
                  label={t('unblock')}
                  confirmLabel={t('unblockConfirm')}
                  question={t('unblockQuestion')}
                  disabled={action.busy}
                  onConfirm={() =>
                    void action.run(
                      () => api('DELETE', `/api/v1/admin/blocklist/${entry.id}`),
                      t('unblocked'),
                      list.reload,
                    )
                  }
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AuditLog() {
  const { t, lang } = useI18n();
  const [actionFilter, setActionFilter] = useState('');
  const [applied, setApplied] = useState('');
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [error, setError] = useState<unknown>();
  const page = useLoad(async () => {
    const answer = await api<{ entries: AuditEntry[]; nextBefore: string | null }>(
      'GET',
      `/api/v1/admin/audit${query({ limit: 25, action: applied })}`,
    );
    setOlder([]);
    setNextBefore(answer.nextBefore);
    return answer.entries;
  }, [applied]);
  const loadOlder = async () => {
    if (!nextBefore) return;
    try {
      const answer = await api<{ entries: AuditEntry[]; nextBefore: string | null }>(
        'GET',
        `/api/v1/admin/audit${query({ limit: 25, action: applied, before: nextBefore })}`,
      );
      setOlder((o) => [...o, ...answer.entries]);
      setNextBefore(answer.nextBefore);
    } catch (err) {
      setError(err);
    }
  };
  const rows = [...(page.data ?? []), ...older];
  return (
    <section class="card" aria-labelledby="ops-audit">
      <h2 id="ops-audit">{t('auditLog')}</h2>
      <form
        class="filters"
        role="search"
        aria-label={t('auditLog')}
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(actionFilter.trim());
        }}
      >
        <Field label={t('auditAction')}>
          <input
            name="action"
            placeholder="auth.login"
            value={actionFilter}
            onInput={(e) => setActionFilter(e.currentTarget.value)}
          />
        </Field>
        <button type="submit">{t('search')}</button>
      </form>
      {page.error || error ? <ErrorBox error={page.error ?? error} onRetry={page.reload} /> : null}
      {!page.data ? (
        <Loading />
      ) : rows.length === 0 ? (
        <p class="muted">{t('noAudit')}</p>
      ) : (
        <table class="table audit-table">
          <thead>
            <tr>
              <th scope="col">{t('when')}</th>
              <th scope="col">{t('auditAction')}</th>
              <th scope="col">{t('actor')}</th>
              <th scope="col">{t('target')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((entry) => (
              <tr key={entry.id}>
                <td data-label={t('when')}>{formatDateTime(lang, entry.at)}</td>
                <th scope="row" data-label={t('auditAction')} class="mono">
                  {entry.action}
                </th>
                <td data-label={t('actor')} class="mono">
                  {entry.actorType}
                  {entry.actorId ? ` ${entry.actorId.slice(0, 8)}` : ''}
                </td>
                <td data-label={t('target')} class="mono">
                  {entry.targetType ? `${entry.targetType} ${(entry.targetId ?? '').slice(0, 12)}` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore && (
        <button type="button" class="secondary" onClick={() => void loadOlder()}>
          {t('loadOlder')}
        </button>
      )}
    </section>
  );
}
