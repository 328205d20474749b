import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card, Input, Space, Typography } from 'antd';
import { NewPasswordInput } from './NewPasswordInput';
import { OwnFactorField, ownFactorKinds, ownFactorProof, type OwnFactorKind } from './OwnFactorField';
import { isApiError } from '../api';
import { changePassword, fetchAccountTwoFactor, type OwnFactorProof, startSettingsWebAuthn } from '../endpoints';
import { signWithPasskey } from '../passkeys';
import { describeProblem, phrase } from '../phrases';
import { useLockout } from '../use-lockout';
import { useResource } from '../use-resource';

/**
 * Settings → Account → "Password": the current password, a new one (with the policy), and
 * when the account has its own authenticator a code from it or a recovery code. The
 * server ends every other session and forgets the other browsers. `twoFactorVersion`
 * changes when 2FA went on or off on this page.
 */
export function ChangePasswordCard({ twoFactorVersion = 0 }: { twoFactorVersion?: number }) {
  // Loaded again whenever the Two-Factor Authentication card turned 2FA on or off; a change
  // elsewhere (another tab) still shows the code field through the server's 403.
  const { t } = useTranslation();
  const twoFactor = useResource(fetchAccountTwoFactor, `account-two-factor-for-password-${twoFactorVersion}`);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [recovery, setRecovery] = useState(false);
  // The 403 second_factor_code_required names the methods when the status said none.
  const [askedMethods, setAskedMethods] = useState<readonly string[]>();
  const kinds = ownFactorKinds(askedMethods ?? twoFactor.data?.methods);
  const [chosenKind, setKind] = useState<OwnFactorKind>();
  const kind = chosenKind && kinds.includes(chosenKind) ? chosenKind : kinds[0]!;
  const [code, setCode] = useState('');
  const [focusKey, setFocusKey] = useState(0);
  // The server asked for a code (403 second_factor_code_required) although the status said none.
  const [codeAsked, setCodeAsked] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [done, setDone] = useState(false);
  const lockout = useLockout();

  const needsCode = codeAsked || twoFactor.data?.active === true;
  const proof = needsCode ? ownFactorProof(recovery, code, kind) : undefined;
  const ready = current.length > 0 && next.length > 0 && (!needsCode || proof !== undefined) && !lockout.locked && !busy;

  const submit = async () => {
    if (!ready) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      const given: OwnFactorProof | undefined =
        proof?.method === 'webauthn' ? { method: 'webauthn', credential: await signWithPasskey(await startSettingsWebAuthn()) } : proof;
      await changePassword(current, next, given);
      setCurrent('');
      setNext('');
      setCode('');
      setDone(true);
    } catch (failure) {
      if (isApiError(failure, 'second_factor_code_required')) {
        setCodeAsked(true);
        setAskedMethods(failure.body.methods);
      }
      if (isApiError(failure, 'invalid_code', 'second_factor_code_required')) {
        setCode('');
        setFocusKey((key) => key + 1);
      }
      if (!lockout.lockOn(failure)) setError(describeProblem(failure, 'change_password'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={<h2 className="card-title">{t('login.password')}</h2>}>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        {t('account.password.intro')}
      </Typography.Paragraph>
      <form
        className="password-change"
        style={{ maxWidth: 420 }}
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="field" style={{ marginBottom: 24 }}>
          <label className="field-label" htmlFor="change-password-current">
            {t('account.password.current')}
          </label>
          <Input.Password
            id="change-password-current"
            autoComplete="current-password"
            value={current}
            disabled={busy}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </div>
        <NewPasswordInput id="change-password-new" value={next} onChange={setNext} disabled={busy} />
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
        <Space direction="vertical" style={{ width: '100%', marginBottom: error || lockout.message || done ? 16 : 0 }}>
          {error && !lockout.locked && <Alert type="error" showIcon role="alert" message={error} />}
          {lockout.message && <Alert type="error" showIcon role="alert" message={lockout.message} />}
          {done && <Alert type="success" showIcon role="status" message={phrase('notice.password_changed')} />}
        </Space>
        <Button type="primary" htmlType="submit" loading={busy} disabled={!ready}>
          {t('account.password.submit')}
        </Button>
      </form>
    </Card>
  );
}
