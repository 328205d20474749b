import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Result, Skeleton, Space, Typography } from 'antd';
import { LoginFrame } from './LoginPage';
import { ForgotPasswordForm } from '../components/ForgotPasswordForm';
import { NewPasswordInput } from '../components/NewPasswordInput';
import { OwnFactorField, ownFactorKinds, ownFactorProof, type OwnFactorKind } from '../components/OwnFactorField';
import { isApiError } from '../api';
import { fetchPasswordReset, type OwnFactorProof, resetPassword, startPasswordResetWebAuthn } from '../endpoints';
import { signWithPasskey } from '../passkeys';
import { useFocusOnMount } from '../focus';
import { linkClick, navigate } from '../navigation';
import { describeProblem, phrase } from '../phrases';
import { takeResetToken } from '../reset-token';
import type { PasswordResetLink } from '../types';
import { useLockout } from '../use-lockout';

type Phase =
  | { kind: 'checking' }
  | { kind: 'form'; link: PasswordResetLink }
  | { kind: 'expired' }
  | { kind: 'missing' }
  | { kind: 'ask-again' }
  | { kind: 'check-failed'; message: string }
  | { kind: 'done' };

/**
 * `/reset-password#<token>`, the link of the reset email: checks the link, then takes the
 * new password (and the account's authenticator or a recovery code when it has one: a reset
 * never gets around the second factor). Nobody is signed in afterwards.
 */
export default function ResetPasswordPage() {
  const { t } = useTranslation();
  // A new object for every link read, so the same link opened again is checked again.
  const [opened, setOpened] = useState(() => ({ token: takeResetToken() }));
  const token = opened.token;
  const [phase, setPhase] = useState<Phase>(() => (token ? { kind: 'checking' } : { kind: 'missing' }));

  useEffect(() => {
    document.title = t('sign_in.reset_password.page_title');
  }, [t]);

  useEffect(() => {
    // A link opened while this page is open (only the fragment changes: no new page load).
    const onHashChange = () => {
      if (window.location.hash.length > 1) setOpened({ token: takeResetToken() });
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);

  const check = useCallback(async () => {
    const { token } = opened;
    if (!token) return;
    setPhase({ kind: 'checking' });
    try {
      setPhase({ kind: 'form', link: await fetchPasswordReset(token) });
    } catch (failure) {
      if (isApiError(failure, 'password_reset_expired', 'not_found')) setPhase({ kind: 'expired' });
      else setPhase({ kind: 'check-failed', message: describeProblem(failure, 'check_reset_link') });
    }
  }, [opened]);

  useEffect(() => {
    void check();
  }, [check]);

  const toLogin = () => navigate('/');

  return (
    <LoginFrame>
      {phase.kind === 'checking' && <Skeleton active paragraph={{ rows: 4 }} />}
      {phase.kind === 'check-failed' && (
        <Alert
          type="error"
          showIcon
          message={phase.message}
          action={
            <Button size="small" onClick={() => void check()}>
              {t('common.try_again')}
            </Button>
          }
        />
      )}
      {phase.kind === 'expired' && <LinkExpired onAskAgain={() => setPhase({ kind: 'ask-again' })} />}
      {phase.kind === 'missing' && <LinkExpired missing onAskAgain={() => setPhase({ kind: 'ask-again' })} />}
      {phase.kind === 'ask-again' && <ForgotPasswordForm onBack={toLogin} />}
      {phase.kind === 'form' && token && (
        <NewPasswordForm token={token} link={phase.link} onDone={() => setPhase({ kind: 'done' })} onExpired={() => setPhase({ kind: 'expired' })} />
      )}
      {phase.kind === 'done' && <ResetDone />}
    </LoginFrame>
  );
}

/** The link cannot be used: it expired or was used, or (`missing`) the page was opened (or reloaded) without it. */
function LinkExpired({ onAskAgain, missing = false }: { onAskAgain: () => void; missing?: boolean }) {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <Result
      status="warning"
      title={
        <h1 ref={heading} tabIndex={-1} className="focus-target result-title">
          {phrase(missing ? 'notice.password_reset_missing_title' : 'notice.password_reset_expired_title')}
        </h1>
      }
      subTitle={phrase(missing ? 'notice.password_reset_missing_description' : 'notice.password_reset_expired_description')}
      extra={
        <Space direction="vertical">
          <Button type="primary" onClick={onAskAgain}>
            {t('sign_in.reset_password.ask_again')}
          </Button>
          <a href="/" onClick={linkClick('/')}>
            {t('sign_in.back_to_log_in')}
          </a>
        </Space>
      }
    />
  );
}

function ResetDone() {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>(true);
  return (
    <Result
      status="success"
      title={
        <h1 ref={heading} tabIndex={-1} className="focus-target result-title">
          {phrase('notice.password_reset_done')}
        </h1>
      }
      subTitle={t('sign_in.reset_password.done_description')}
      extra={
        <Button type="primary" href="/" onClick={linkClick('/')}>
          {t('sign_in.reset_password.go_to_login')}
        </Button>
      }
    />
  );
}

interface NewPasswordFormProps {
  token: string;
  link: PasswordResetLink;
  onDone: () => void;
  onExpired: () => void;
}

function NewPasswordForm({ token, link, onDone, onExpired }: NewPasswordFormProps) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [focusKey, setFocusKey] = useState(0);
  const [codeAsked, setCodeAsked] = useState(false);
  const [askedMethods, setAskedMethods] = useState<readonly string[]>();
  const kinds = ownFactorKinds(askedMethods ?? link.methods);
  const [chosenKind, setKind] = useState<OwnFactorKind>();
  const kind = chosenKind && kinds.includes(chosenKind) ? chosenKind : kinds[0]!;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const lockout = useLockout();

  const needsCode = codeAsked || link.secondFactorRequired;
  const proof = needsCode ? ownFactorProof(recovery, code, kind) : undefined;
  const ready = password.length > 0 && (!needsCode || proof !== undefined) && !lockout.locked && !busy;

  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    try {
      const given: OwnFactorProof | undefined =
        proof?.method === 'webauthn' ? { method: 'webauthn', credential: await signWithPasskey(await startPasswordResetWebAuthn(token)) } : proof;
      await resetPassword(token, password, given);
      onDone();
      return;
    } catch (failure) {
      if (isApiError(failure, 'password_reset_expired')) {
        onExpired();
        return;
      }
      if (isApiError(failure, 'second_factor_code_required')) {
        setCodeAsked(true);
        setAskedMethods(failure.body.methods);
      }
      if (isApiError(failure, 'invalid_code', 'second_factor_code_required')) {
        setCode('');
        setFocusKey((key) => key + 1);
      }
      if (!lockout.lockOn(failure)) setError(describeProblem(failure, 'reset_password'));
    }
    setBusy(false);
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <Typography.Title level={1} style={{ fontSize: 24, marginBottom: 6 }}>
        {t('sign_in.reset_password.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
        {needsCode
          ? kinds.includes('webauthn')
            ? t('sign_in.reset_password.intro_passkey')
            : t('sign_in.reset_password.intro_code')
          : t('sign_in.reset_password.intro_plain')}
      </Typography.Paragraph>
      <NewPasswordInput id="reset-password-new" value={password} onChange={setPassword} disabled={busy} />
      {needsCode && (
        <OwnFactorField
          kinds={kinds}
          kind={kind}
          onKindChange={setKind}
          recovery={recovery}
          onRecoveryChange={setRecovery}
          code={code}
          onCodeChange={setCode}
          focusKey={focusKey}
          disabled={busy || lockout.locked}
          onSubmit={() => void submit()}
        />
      )}
      {error && !lockout.locked && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 20 }} />}
      {lockout.message && <Alert type="error" showIcon role="alert" message={lockout.message} style={{ marginBottom: 20 }} />}
      <Button type="primary" htmlType="submit" size="large" block loading={busy} disabled={!ready}>
        {t('sign_in.reset_password.submit')}
      </Button>
      <div className="forgot-link">
        <a href="/" onClick={linkClick('/')}>
          {t('sign_in.back_to_log_in')}
        </a>
      </div>
    </form>
  );
}
