import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Button, Card, Skeleton, Typography } from 'antd';
import { AppstoreFilled, LockFilled, MobileOutlined, SafetyCertificateFilled } from '@ant-design/icons';
import { ForgotPasswordForm } from '../components/ForgotPasswordForm';
import { PasswordForm } from '../components/PasswordForm';
import { SecondFactorStep } from '../components/SecondFactorStep';
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../focus';
import { phrase } from '../phrases';
import { forgetSignInAtCodeStep, readInterruptedSignIn, rememberSignInAtCodeStep } from '../sign-in-memory';
import type { Challenge, LoginResult, VerifyResult } from '../types';

const RecoveryCodes = lazy(() => import('../components/RecoveryCodes').then((m) => ({ default: m.RecoveryCodes })));

type Step =
  { kind: 'password'; notice?: string } | { kind: 'forgot' } | { kind: 'challenge'; challenge: Challenge } | { kind: 'recovery-codes'; codes: string[] };

/** Log in: password, then whatever second factor the server asks for, then (after enrolment) recovery codes. */
export function LoginPage({ onAuthenticated }: { onAuthenticated: (options: { chooseWorkspace: boolean }) => void }) {
  // A reload (or a navigation away) during the code step loses the challenge: say so, with the email kept.
  const { t } = useTranslation();
  const [interrupted] = useState(readInterruptedSignIn);
  const [step, setStep] = useState<Step>(() => (interrupted ? { kind: 'password', notice: phrase('notice.sign_in_interrupted') } : { kind: 'password' }));
  const [email, setEmail] = useState<string | undefined>(interrupted);
  // A login into the workspace this browser used last goes straight there; otherwise the
  // console offers the workspace picker once signed in.
  const remembered = useRef(false);
  const done = () => {
    forgetSignInAtCodeStep();
    onAuthenticated({ chooseWorkspace: !remembered.current });
  };

  useEffect(() => {
    if (step.kind === 'challenge' && email) rememberSignInAtCodeStep(email);
    else forgetSignInAtCodeStep();
  }, [step.kind, email]);

  useEffect(() => {
    document.title = t('login.page_title');
  }, [t]);

  // Only a verify after enrolling an authenticator sends recovery codes; a password alone never does.
  const afterVerify = (result: VerifyResult) => {
    if (result.recoveryCodes?.length) setStep({ kind: 'recovery-codes', codes: result.recoveryCodes });
    else done();
  };
  const onPasswordResult = (result: LoginResult) => {
    if (result.status === 'authenticated') done();
    else setStep({ kind: 'challenge', challenge: result.challenge });
  };
  const restart = useCallback((notice?: string) => setStep({ kind: 'password', notice }), []);

  return (
    <LoginFrame>
      {step.kind === 'password' && (
        <>
          <div className="brand card-brand" style={{ marginBottom: 24 }}>
            <span className="brand-mark">
              <AppstoreFilled aria-hidden />
            </span>
            {t('common.product')}
          </div>
          <Typography.Title level={1} style={{ fontSize: 24, marginBottom: 6 }}>
            {t('login.title')}
          </Typography.Title>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
            {t('login.intro')}
          </Typography.Paragraph>
          <PasswordForm
            notice={step.notice}
            initialEmail={email}
            onResult={(result, address, usedRemembered) => {
              setEmail(address);
              remembered.current = usedRemembered;
              onPasswordResult(result);
            }}
            key={step.notice ?? 'first'}
          />
          <div className="forgot-link">
            <Button type="link" onClick={() => setStep({ kind: 'forgot' })} style={{ paddingInline: 0 }}>
              {t('login.forgot_password')}
            </Button>
          </div>
        </>
      )}
      {step.kind === 'forgot' && <ForgotPasswordForm initialEmail={email} onBack={() => setStep({ kind: 'password' })} />}
      {step.kind === 'challenge' && <SecondFactorStep challenge={step.challenge} onAuthenticated={afterVerify} onRestart={restart} />}
      {step.kind === 'recovery-codes' && <RecoveryCodesStep codes={step.codes} email={email} onDone={done} />}
    </LoginFrame>
  );
}

/** The login page's frame (the brand panel and the one-width card), also around the password-reset page. */
export function LoginFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <main className="login-page">
      <section className="login-brand" aria-label={t('login.about')}>
        <div className="brand">
          <span className="brand-mark">
            <AppstoreFilled aria-hidden />
          </span>
          {t('common.product')}
        </div>
        <div>
          <h2>{t('login.tagline')}</h2>
          <ul>
            <li>
              <LockFilled aria-hidden />
              <span>{t('login.point_factors')}</span>
            </li>
            <li>
              <MobileOutlined aria-hidden />
              <span>{t('login.point_apps')}</span>
            </li>
            <li>
              <SafetyCertificateFilled aria-hidden />
              <span>{t('login.point_policy')}</span>
            </li>
          </ul>
        </div>
        <p style={{ margin: 0, fontSize: 13 }}>{t('login.copyright')}</p>
      </section>
      <div className="login-main">
        {/* One width for every step (password, code, enrolment, recovery codes): the card never jumps. */}
        <div className="login-column">
          <Card className="login-card" variant="borderless" style={{ boxShadow: '0 12px 40px rgba(16, 42, 122, 0.10)' }}>
            {children}
          </Card>
          <p className="login-footer">{t('login.footer')}</p>
        </div>
      </div>
    </main>
  );
}

/** After enrolling during login: the one-time recovery codes. Its heading takes the focus the code boxes had. */
function RecoveryCodesStep({ codes, email, onDone }: { codes: string[]; email?: string; onDone: () => void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>(true);
  const { t } = useTranslation();
  return (
    <>
      <Typography.Title level={1} ref={heading} tabIndex={-1} className="focus-target" style={{ fontSize: 22, marginBottom: 12 }}>
        {t('login.two_factor_on')}
      </Typography.Title>
      <Suspense fallback={<Skeleton active />}>
        <RecoveryCodes codes={codes} accountEmail={email} onDone={onDone} />
      </Suspense>
    </>
  );
}
