/** Sign-in, and the first-admin setup page that the server's printed link opens. */
import { useState } from 'preact/hooks';
import { ApiError, publicPost, type StaffUser } from '../api.js';
import { useI18n } from '../i18n.js';
import { Field, PageTitle } from '../ui.js';

interface SessionAnswer {
  user: StaffUser;
  csrfToken: string;
}

export function LoginScreen(props: { notice?: string; onSignedIn(session: SessionAnswer): void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(await publicPost<SessionAnswer>('/api/v1/auth/login', { email, password }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') setError(t('invalidCredentials'));
      else if (err instanceof ApiError && err.code === 'login_locked') setError(t('loginLocked'));
      else if (err instanceof ApiError && err.status === 400) setError(t('invalidCredentials'));
      else setError(t('genericError'));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="auth-page">
      <form class="card auth-card" onSubmit={submit} aria-describedby={error ? 'login-error' : undefined}>
        <PageTitle>{t('signInTitle')}</PageTitle>
        {props.notice && (
          <p class="notice" role="status">
            {props.notice}
          </p>
        )}
        <Field label={t('email')}>
          <input
            type="email"
            name="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('password')}>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </Field>
        {error && (
          <p id="login-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('signIn')}
        </button>
      </form>
    </main>
  );
}

export function SetupScreen(props: { token: string | null; onSignedIn(session: SessionAnswer): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (password !== repeat) {
      setError(t('passwordsDiffer'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await publicPost('/api/v1/auth/setup', { token: props.token ?? '', email, name, password });
      props.onSignedIn(await publicPost<SessionAnswer>('/api/v1/auth/login', { email, password }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_setup_token') setError(t('setupInvalid'));
      else if (err instanceof ApiError && err.code === 'setup_done') setError(t('setupDone'));
      else if (err instanceof ApiError && err.status === 400) setError(err.message);
      else setError(t('genericError'));
      setBusy(false);
    }
  };

  return (
    <main id="main" class="auth-page">
      <form class="card auth-card" onSubmit={submit}>
        <PageTitle>{t('setupTitle')}</PageTitle>
        {!props.token ? (
          <p class="error" role="alert">
            {t('setupNoToken')}
          </p>
        ) : (
          <>
            <p class="muted">{t('setupIntro')}</p>
            <Field label={t('name')}>
              <input
                name="name"
                autocomplete="name"
                required
                value={name}
                onInput={(e) => setName(e.currentTarget.value)}
              />
            </Field>
            <Field label={t('email')}>
              <input
                type="email"
                name="email"
                autocomplete="username"
                required
                value={email}
                onInput={(e) => setEmail(e.currentTarget.value)}
              />
            </Field>
            <Field label={t('password')}>
              <input
                type="password"
                name="password"
                autocomplete="new-password"
                minLength={12}
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </Field>
            <Field label={t('passwordRepeat')}>
              <input
                type="password"
                name="password-repeat"
                autocomplete="new-password"
                minLength={12}
                required
                value={repeat}
                onInput={(e) => setRepeat(e.currentTarget.value)}
              />
            </Field>
            {error && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" disabled={busy}>
              {t('setupSubmit')}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
