/** Staff accounts and API tokens (admins only). A new token's secret is shown once, right after creation. */
import { useRef, useState } from 'preact/hooks';
import { api, type StaffUser } from '../api.js';
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

type Role = StaffUser['role'];
const ROLES: Role[] = ['viewer', 'operator', 'admin'];
const SCOPES = [
  'leads:read',
  'leads:write',
  'conversations:read',
  'conversations:write',
  'knowledge:read',
  'knowledge:write',
  'analytics:read',
  'privacy:read',
  'privacy:write',
  'admin:*',
] as const;

interface UserRow extends StaffUser {
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function UsersScreen(props: { user: StaffUser }) {
  const { t } = useI18n();
  return (
    <>
      <PageTitle>{t('users')}</PageTitle>
      <Users me={props.user} />
      <Tokens />
    </>
  );
}

function RoleSelect(props: {
  value: Role;
  name: string;
  label?: string;
  disabled?: boolean;
  onChange(role: Role): void;
}) {
  const { t } = useI18n();
  return (
    <select
      name={props.name}
      aria-label={props.label}
      value={props.value}
      disabled={props.disabled}
      onChange={(e) => props.onChange(e.currentTarget.value as Role)}
    >
      {ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role_${r}` as TextKey)}
        </option>
      ))}
    </select>
  );
}

function Users(props: { me: StaffUser }) {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ users: UserRow[] }>('GET', '/api/v1/admin/users'), []);
  const action = useAction(t);
  const [form, setForm] = useState({ name: '', email: '', role: 'operator' as Role, password: '' });
  const update = (user: UserRow, change: Partial<Pick<UserRow, 'role' | 'disabled' | 'name'>>) =>
    void action.run(() => api('PATCH', `/api/v1/admin/users/${user.id}`, change), t('saved'), list.reload);
  const users = list.data?.users;
  return (
    <section class="card" aria-labelledby="users-staff">
      <h2 id="users-staff">{t('staff')}</h2>
      <MessageLine message={action.message} />
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!users ? (
        <Loading />
      ) : (
        <table class="table users-table">
          <thead>
            <tr>
              <th scope="col">{t('name')}</th>
              <th scope="col">{t('email')}</th>
              <th scope="col">{t('role')}</th>
              <th scope="col">{t('lastLogin')}</th>
              <th scope="col">{t('account')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id} data-user={user.email} class={user.disabled ? 'disabled-row' : undefined}>
                <th scope="row" data-label={t('name')}>
                  {user.name}
                </th>
                <td data-label={t('email')} class="mono">
                  {user.email}
                </td>
                <td data-label={t('role')}>
                  <RoleSelect
                    name="role"
                    label={`${t('role')}: ${user.name}`}
                    value={user.role}
                    disabled={action.busy}
                    onChange={(role) => update(user, { role })}
                  />
                </td>
                <td data-label={t('lastLogin')}>{formatDateTime(lang, user.lastLoginAt)}</td>
                <td data-label={t('account')}>
                  {user.disabled ? (
                    <>
                      <span class="badge">{t('disabledAccount')}</span>{' '}
                      <button
                        type="button"
                        class="secondary small"
                        disabled={action.busy}
                        onClick={() => update(user, { disabled: false })}
                      >
                        {t('enable')}
                      </button>
                    </>
                  ) : user.id === props.me.id ? (
                    <span class="badge active">{t('you')}</span>
                  ) : (
                    <ConfirmButton
                      label={t('disable')}
                      confirmLabel={t('disableConfirm')}
                      question={t('disableQuestion')}
                      disabled={action.busy}
                      onConfirm={() => update(user, { disabled: true })}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        class="filters"
        aria-labelledby="users-new"
        onSubmit={(e) => {
          e.preventDefault();
          void action
            .run(
              () =>
                api('POST', '/api/v1/admin/users', {
                  ...form,
                  name: form.name.trim(),
                  email: form.email.trim(),
                }),
              t('userCreated'),
              list.reload,
            )
            .then((ok) => {
              if (ok) setForm({ name: '', email: '', role: 'operator', password: '' });
            });
        }}
      >
        <h3 id="users-new" class="form-title">
          {t('newUser')}
        </h3>
        <Field label={t('name')}>
          <input
            name="name"
            required
            maxLength={100}
            autoComplete="off"
            value={form.name}
            onInput={(e) => setForm({ ...form, name: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('email')}>
          <input
            name="email"
            type="email"
            required
            autoComplete="off"
            value={form.email}
            onInput={(e) => setForm({ ...form, email: e.currentTarget.value })}
          />
        </Field>
        <Field label={t('role')}>
          <RoleSelect name="newRole" value={form.role} onChange={(role) => setForm({ ...form, role })} />
        </Field>
        <Field label={t('initialPassword')} hint={t('passwordHint')}>
          <input
            name="password"
            type="password"
            required
            minLength={12}
            autoComplete="new-password"
            value={form.password}
            onInput={(e) => setForm({ ...form, password: e.currentTarget.value })}
          />
        </Field>
        <button type="submit" disabled={action.busy}>
          {t('createUser')}
        </button>
      </form>
    </section>
  );
}

function Tokens() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api<{ tokens: TokenRow[] }>('GET', '/api/v1/admin/tokens'), []);
  const action = useAction(t);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [scopes, setScopes] = useState<string[]>([]);
  const [days, setDays] = useState('');
  const [secret, setSecret] = useState<{ name: string; token: string }>();
  const secretRef = useRef<HTMLInputElement>(null);
  const tokens = list.data?.tokens;

  const create = async () => {
    let created: { name: string; token: string } | undefined;
    const ok = await action.run(
      async () => {
        created = await api<{ name: string; token: string }>('POST', '/api/v1/admin/tokens', {
          name: name.trim(),
          role,
          scopes,
          ...(days ? { expiresInDays: Number(days) } : {}),
        });
      },
      t('tokenCreated'),
      list.reload,
    );
    if (ok && created) {
      setSecret(created);
      setName('');
      setScopes([]);
      setDays('');
      window.setTimeout(() => secretRef.current?.select(), 0);
    }
  };

  return (
    <section class="card" aria-labelledby="users-tokens">
      <h2 id="users-tokens">{t('apiTokens')}</h2>
      {secret && (
        <div class="secret" role="status">
          <p>
            <strong>{t('tokenShownOnce')}</strong>
          </p>
          <Field label={`${t('tokenSecret')}: ${secret.name}`}>
            <input
              ref={secretRef}
              name="secret"
              class="mono"
              readOnly
              value={secret.token}
              onFocus={(e) => e.currentTarget.select()}
            />
          </Field>
          <button type="button" class="secondary small" onClick={() => setSecret(undefined)}>
            {t('tokenStored')}
          </button>
        </div>
      )}
      <MessageLine message={action.message} />
      {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
      {!tokens ? (
        <Loading />
      ) : tokens.length === 0 ? (
        <p class="muted">{t('noTokens')}</p>
      ) : (
        <ul class="plain entries">
          {tokens.map((token) => (
            <li key={token.id} class="entry" data-token={token.name}>
              <div class="entry-main">
                <strong>{token.name}</strong> <span class="mono muted small">{token.prefix}…</span>{' '}
                <span class="badge">{t(`role_${token.role}` as TextKey)}</span>
                {token.revokedAt && <span class="badge">{t('revoked')}</span>}
                <p class="small mono entry-reason">{token.scopes.join(' ')}</p>
                <span class="muted small">
                  {t('created')} {formatDateTime(lang, token.createdAt)} · {t('expires')}{' '}
                  {token.expiresAt ? formatDateTime(lang, token.expiresAt) : t('never')} · {t('lastUsed')}{' '}
                  {formatDateTime(lang, token.lastUsedAt)}
                </span>
              </div>
              {!token.revokedAt && (
                <ConfirmButton
                  label={t('revoke')}
                  confirmLabel={t('revokeConfirm')}
                  question={t('revokeQuestion')}
                  disabled={action.busy}
                  onConfirm={() =>
                    void action.run(
                      () => api('DELETE', `/api/v1/admin/tokens/${token.id}`),
                      t('tokenRevoked'),
                      list.reload,
                    )
                  }
                />
              )}
            </li>
          ))}
        </ul>
      )}
      <form
        aria-labelledby="tokens-new"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h3 id="tokens-new" class="form-title">
          {t('newToken')}
        </h3>
        <div class="filters">
          <Field label={t('tokenName')}>
            <input
              name="tokenName"
              required
              maxLength={100}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
            />
          </Field>
          <Field label={t('role')}>
            <RoleSelect name="tokenRole" value={role} onChange={setRole} />
          </Field>
          <Field label={t('expiresInDays')} hint={t('expiresHint')}>
            <input
              name="expiresInDays"
              type="number"
              min={1}
              max={3650}
              inputMode="numeric"
              value={days}
              onInput={(e) => setDays(e.currentTarget.value)}
            />
          </Field>
        </div>
        <fieldset class="scopes">
          <legend>{t('scopes')}</legend>
          {SCOPES.map((scope) => (
            <label key={scope} class="check">
              <input
                type="checkbox"
                name="scope"
                value={scope}
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes((s) => (e.currentTarget.checked ? [...s, scope] : s.filter((x) => x !== scope)))
                }
              />
              <span class="mono">{scope}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={action.busy || scopes.length === 0}>
          {t('createToken')}
        </button>
      </form>
    </section>
  );
}
