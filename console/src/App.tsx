import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, Button, ConfigProvider, Result, Spin } from 'antd';
import { isApiError, setUnauthenticatedListener } from './api';
import { fetchSession } from './endpoints';
import { usePath } from './navigation';
import { describeProblem } from './phrases';
import { LoginPage } from './pages/LoginPage';
import { Shell } from './pages/Shell';
import { WorkspacePickerPage } from './pages/WorkspacePickerPage';
import { consoleTheme } from './theme';
import type { Session } from './types';

type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'signed-in'; session: Session; chooseWorkspace?: boolean }
  | { status: 'unavailable'; message: string };

function SessionGate() {
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
          <Spin size="large" tip="Loading the console…">
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
            title="The console could not load"
            subTitle={state.message}
            extra={
              <Button
                type="primary"
                onClick={() => {
                  setState({ status: 'loading' });
                  void loadSession();
                }}
              >
                Try again
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

/** The console: theme, message/modal context, and either the login page or the signed-in shell. */
export function App() {
  const reducedMotion = usePrefersReducedMotion();
  // WCAG 2.3.3: a browser that asks for reduced motion gets no dialog zooms or slides.
  const theme = useMemo(() => (reducedMotion ? { ...consoleTheme, token: { ...consoleTheme.token, motion: false } } : consoleTheme), [reducedMotion]);
  return (
    <ConfigProvider theme={theme}>
      <AntApp>
        <Routes />
      </AntApp>
    </ConfigProvider>
  );
}
