/** The shell: session, language, navigation (side on wide screens, bottom on phones) and the screens. */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, currentSession, onSessionLost, setCsrfToken, type StaffUser } from './api.js';
import {
  I18nContext,
  initialLang,
  rememberLang,
  translator,
  useI18n,
  type Lang,
  type TextKey,
} from './i18n.js';
import { startLive, stopLive, useLiveStatus } from './live.js';
import { navigate, useLocation } from './router.js';
import { ConversationScreen, ConversationsScreen } from './screens/conversations.js';
import { DashboardScreen } from './screens/dashboard.js';
import { KnowledgeScreen } from './screens/knowledge.js';
import { LeadScreen, LeadsScreen } from './screens/leads.js';
import { LoginScreen, SetupScreen } from './screens/login.js';
import { OperationsScreen } from './screens/operations.js';
import { PrivacyScreen } from './screens/privacy.js';
import { UsersScreen } from './screens/users.js';
import { Link, Loading, PageTitle } from './ui.js';

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i18n = useMemo(
    () => ({
      lang,
      t: translator(lang),
      setLang: (next: Lang) => {
        rememberLang(next);
        setLangState(next);
      },
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return (
    <I18nContext.Provider value={i18n}>
      <Session />
    </I18nContext.Provider>
  );
}

type SessionState =
  { kind: 'checking' } | { kind: 'signed-out'; notice?: TextKey } | { kind: 'signed-in'; user: StaffUser };

function Session() {
  const { t } = useI18n();
  const location = useLocation();
  const [state, setState] = useState<SessionState>({ kind: 'checking' });

  useEffect(() => {
    onSessionLost(() => {
      stopLive();
      setCsrfToken(undefined);
      setState((s) => (s.kind === 'signed-in' ? { kind: 'signed-out', notice: 'sessionExpired' } : s));
    });
    if (current().path === '/setup') {
      setState({ kind: 'signed-out' });
      return;
    }
    void currentSession().then((user) =>
      setState(user ? { kind: 'signed-in', user } : { kind: 'signed-out' }),
    );
  }, []);

  useEffect(() => {
    if (state.kind === 'signed-in') startLive();
  }, [state.kind]);

  const signedIn = (session: { user: StaffUser; csrfToken: string }) => {
    setCsrfToken(session.csrfToken);
    setState({ kind: 'signed-in', user: session.user });
    if (location.path === '/setup' || location.path === '/login') navigate('/', { replace: true });
  };

  if (state.kind === 'checking') {
    return (
      <main id="main" class="auth-page">
        <Loading />
      </main>
    );
  }
  if (state.kind === 'signed-out') {
    if (location.path === '/setup')
      return <SetupScreen token={location.search.get('token')} onSignedIn={signedIn} />;
    return <LoginScreen notice={state.notice ? t(state.notice) : undefined} onSignedIn={signedIn} />;
  }
  return (
    <Shell
      user={state.user}
      onSignOut={async () => {
        try {
          await api('POST', '/api/v1/auth/logout', {});
        } catch {
          // the session is gone either way
        }
        stopLive();
        setCsrfToken(undefined);
        setState({ kind: 'signed-out' });
        navigate('/', { replace: true });
      }}
    />
  );
}

function current() {
  const path = window.location.pathname.replace(/^\/admin/, '') || '/';
  return { path: path.length > 1 ? path.replace(/\/+$/, '') : path };
}

interface NavItem {
  to: string;
  label: TextKey;
  icon: string;
  match: RegExp;
  /** Only staff with this role see it (the API refuses the others anyway). */
  adminOnly?: boolean;
  /** Operators and admins only. */
  operatorOnly?: boolean;
}

const NAV: NavItem[] = [
  {
    to: '/dashboard',
    label: 'dashboard',
    icon: 'M3 21V10h4v11zm7 0V3h4v18zm7 0v-7h4v7z',
    match: /^\/dashboard/,
  },
  {
    to: '/conversations',
    label: 'conversations',
    icon: 'M4 5h16v10H8l-4 4z',
    match: /^\/(conversations)?(\/|$)/,
  },
  {
    to: '/leads',
    label: 'leads',
    icon: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 8a7 7 0 0 1 14 0z',
    match: /^\/leads/,
  },
  {
    to: '/knowledge',
    label: 'knowledge',
    icon: 'M4 4h7a3 3 0 0 1 1 .2A3 3 0 0 1 13 4h7v15h-7a2 2 0 0 0-1 .3 2 2 0 0 0-1-.3H4zm2 2v11h5V7a1 1 0 0 0-1-1zm8 0a1 1 0 0 0-1 1v10h5V6z',
    match: /^\/knowledge/,
    operatorOnly: true,
  },
  {
    to: '/operations',
    label: 'operations',
    icon: 'M10 2h4l.6 3 2.6 1.1 2.6-1.7 2.8 2.8-1.7 2.6L22 12.4v3.2l-3 .6-1.1 2.6 1.7 2.6-2.8 2.8-2.6-1.7-2.6 1.1-.6 3h-4l-.6-3-2.6-1.1-2.6 1.7-2.8-2.8 1.7-2.6L2 15.6v-3.2l3-.6 1.1-2.6-1.7-2.6 2.8-2.8 2.6 1.7L12.4 5zM12 10a4 4 0 1 0 0 8 4 4 0 0 0 0-8z',
    match: /^\/operations/,
    adminOnly: true,
  },
  {
    to: '/users',
    label: 'users',
    icon: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-7 9a7 7 0 0 1 14 0zm14-9a3 3 0 1 0 0-6v6zm2 9h4a6 6 0 0 0-6-6 8 8 0 0 1 2 6z',
    match: /^\/users/,
    adminOnly: true,
  },
  {
    to: '/privacy',
    label: 'privacy',
    icon: 'M12 2l8 3v6c0 5-3.4 9.4-8 11-4.6-1.6-8-6-8-11V5zm0 5a3 3 0 0 0-1 5.8V16h2v-3.2A3 3 0 0 0 12 7z',
    match: /^\/privacy/,
    adminOnly: true,
  },
];

function Shell(props: { user: StaffUser; onSignOut(): void }) {
  const { t, lang, setLang } = useI18n();
  const location = useLocation();
  const live = useLiveStatus();
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header class="topbar">
        <span class="brand">{t('appName')}</span>
        <span class={live ? 'live-dot on' : 'live-dot'} role="status" aria-live="polite">
          <span class="sr-only">{live ? t('live') : t('offline')}</span>
        </span>
        <div class="topbar-end">
          <label class="lang">
            <span class="sr-only">{t('language')}</span>
            <select value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)} name="lang">
              <option value="pl">PL</option>
              <option value="en">EN</option>
            </select>
          </label>
          <span class="who" title={`${t('signedInAs')} ${props.user.email}`}>
            {props.user.name}
          </span>
          <button type="button" class="secondary small" onClick={props.onSignOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <nav class="nav" aria-label={t('mainNav')}>
        <ul>
          {NAV.filter(
            (item) =>
              (!item.adminOnly || props.user.role === 'admin') &&
              (!item.operatorOnly || props.user.role !== 'viewer'),
          ).map((item) => {
            const active = item.match.test(location.path);
            return (
              <li key={item.to}>
                <Link
                  to={item.to}
                  class={active ? 'nav-link active' : 'nav-link'}
                  aria-current={active ? 'page' : undefined}
                >
                  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                    <path d={item.icon} />
                  </svg>
                  <span>{t(item.label)}</span>
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        <Screen path={location.path} user={props.user} />
      </main>
    </div>
  );
}

function Screen(props: { path: string; user: StaffUser }) {
  const { t } = useI18n();
  const { path, user } = props;
  let match: RegExpExecArray | null;
  if (path === '/' || path === '/conversations' || path === '/login' || path === '/setup') {
    return <ConversationsScreen user={user} />;
  }
  if ((match = /^\/conversations\/([A-Za-z0-9_-]+)$/.exec(path)))
    return <ConversationScreen sessionId={match[1]!} user={user} />;
  if (path === '/dashboard') return <DashboardScreen />;
  if (path === '/leads') return <LeadsScreen user={user} />;
  if ((match = /^\/leads\/([0-9a-f-]+)$/.exec(path))) return <LeadScreen id={match[1]!} user={user} />;
  if (path === '/knowledge')
    return <RoleGate user={user} need="operator" screen={<KnowledgeScreen user={user} />} />;
  if (path === '/operations') return <RoleGate user={user} need="admin" screen={<OperationsScreen />} />;
  if (path === '/privacy') return <RoleGate user={user} need="admin" screen={<PrivacyScreen />} />;
  if (path === '/users') return <RoleGate user={user} need="admin" screen={<UsersScreen user={user} />} />;
  return (
    <>
      <PageTitle>{t('notFound')}</PageTitle>
      <p>
        <Link to="/">{t('conversations')}</Link>
      </p>
    </>
  );
}

/** A screen for a higher role: the API would refuse anyway; say so instead of a page of errors. */
function RoleGate(props: { user: StaffUser; need: StaffUser['role']; screen: ComponentChildren }) {
  const { t } = useI18n();
  const rank = { viewer: 0, operator: 1, admin: 2 } as const;
  if (rank[props.user.role] >= rank[props.need]) return <>{props.screen}</>;
  return (
    <>
      <PageTitle>{t('forbidden')}</PageTitle>
      <p>
        <Link to="/">{t('conversations')}</Link>
      </p>
    </>
  );
}
