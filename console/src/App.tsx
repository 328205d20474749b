import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, ConfigProvider, Result, Spin } from 'antd';
import { isApiError, setUnauthenticatedListener } from './api';
import { fetchSession } from './endpoints';
import { usePath } from './navigation';
import { describeProblem } from './phrases';
import { LoginPage } from './pages/LoginPage';
import { Shell } from './pages/Shell';
import { WorkspacePickerPage } from './pages/WorkspacePickerPage';
import { chooseLanguage, currentLanguage, i18next, type Language } from './i18n';
import { PreferencesContext, type Preferences } from './preferences';
import { consoleTheme, darkTheme, rememberThemeChoice, storedThemeChoice, type ThemeChoice } from './theme';
import { useTranslation } from 'react-i18next';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import type { Session } from './types';

type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'signed-in'; session: Session; chooseWorkspace?: boolean }
  | { status: 'unavailable'; message: string };

function SessionGate() {
  const { t } = useTranslation();
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const loadSession = useCallback(async (options: { chooseWorkspace?: boolean } = {}) => {
    try {
      const session = await fetchSession();
      // The picker, right after the password, only for an account with several workspaces.
      setState({ status: 'signed-in', session, chooseWorkspace: options.chooseWorkspace && session.workspaces.length > 1 });
    } catch (failure) {
      if (isApiError(failure) && (failure.code === 'unauthenticated' || failure.status === 401)) {
        setState({ status: 'anonymous' });
      } else {
        setState({ status: 'unavailable', message: describeProblem(failure) });
      }
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedListener(() => setState({ status: 'anonymous' }));
    void loadSession();
    return () => setUnauthenticatedListener(undefined);
  }, [loadSession]);

  switch (state.status) {
    case 'loading':
      return (
        <main className="login-page" style={{ alignItems: 'center', justifyContent: 'center' }}>
          <Spin size="large" tip={t('common.loading_console')}>
            <div style={{ width: 200, height: 80 }} />
          </Spin>
        </main>
      );
    case 'anonymous':
      return <LoginPage onAuthenticated={(options) => void loadSession(options)} />;
    case 'unavailable':
      return (
        <main className="login-page" style={{ alignItems: 'center', justifyContent: 'center' }}>
          <Result
            status="warning"
            title={t('common.console_unavailable')}
            subTitle={state.message}
            extra={
              <Button
                type="primary"
                onClick={() => {
                  setState({ status: 'loading' });
                  void loadSession();
                }}
              >
                {t('common.try_again')}
              </Button>
            }
          />
        </main>
      );
    case 'signed-in':
      if (state.chooseWorkspace) return <WorkspacePickerPage session={state.session} onPicked={() => void loadSession()} />;
      return <Shell session={state.session} onSignedOut={() => setState({ status: 'anonymous' })} onSessionChanged={() => void loadSession()} />;
  }
}

const ResetPasswordPage = lazy(() => import('./pages/ResetPasswordPage'));

/** The reset link's page works without a session (and whatever session there is); every other path goes through the session. */
function Routes() {
  const path = usePath();
  if (path === '/reset-password') {
    return (
      <Suspense fallback={null}>
        <ResetPasswordPage />
      </Suspense>
    );
  }
  return <SessionGate />;
}

const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

/** True while the browser asks for reduced motion (it may change while the page is open). */
function usePrefersReducedMotion(): boolean {
  const [reduced, setReduced] = useState(() => window.matchMedia(REDUCED_MOTION).matches);
  useEffect(() => {
    const query = window.matchMedia(REDUCED_MOTION);
    const update = () => setReduced(query.matches);
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return reduced;
}

const DARK = '(prefers-color-scheme: dark)';

/** True while the browser prefers a dark colour scheme. */
function usePrefersDark(): boolean {
  const [dark, setDark] = useState(() => window.matchMedia(DARK).matches);
  useEffect(() => {
    const query = window.matchMedia(DARK);
    const update = () => setDark(query.matches);
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return dark;
}

/** The console: language, theme, message/modal context, and either the login page or the signed-in shell. */
export function App() {
  const reducedMotion = usePrefersReducedMotion();
  const prefersDark = usePrefersDark();
  const [themeChoice, setThemeChoice] = useState<ThemeChoice>(storedThemeChoice);
  const [language, setLanguage] = useState<Language>(currentLanguage);
  useEffect(() => {
    const update = () => setLanguage(currentLanguage());
    i18next.on('languageChanged', update);
    return () => i18next.off('languageChanged', update);
  }, []);
  const dark = themeChoice === 'dark' || (themeChoice === 'system' && prefersDark);
  useEffect(() => {
    document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    document.documentElement.style.colorScheme = dark ? 'dark' : 'light';
  }, [dark]);
  // WCAG 2.3.3: a browser that asks for reduced motion gets no dialog zooms or slides.
  const theme = useMemo(() => {
    const base = dark ? darkTheme(consoleTheme) : consoleTheme;
    return reducedMotion ? { ...base, token: { ...base.token, motion: false } } : base;
  }, [reducedMotion, dark]);
  const preferences = useMemo<Preferences>(
    () => ({
      language,
      chooseLanguage,
      theme: themeChoice,
      chooseTheme: (choice) => {
        rememberThemeChoice(choice);
        setThemeChoice(choice);
      },
    }),
    [language, themeChoice],
  );
  return (
    <PreferencesContext.Provider value={preferences}>
      <ConfigProvider theme={theme} locale={language === 'zh-CN' ? zhCN : enUS}>
        <AntApp>
          <Routes />
        </AntApp>
      </ConfigProvider>
    </PreferencesContext.Provider>
  );
}
