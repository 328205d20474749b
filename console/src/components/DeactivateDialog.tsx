import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Form, Input, Modal, Space, Typography, type InputRef } from 'antd';
import { CodeInput, CODE_LENGTH } from './CodeInput';
import { MethodChoice } from './MethodChoice';
import { SendCodeButton } from './SendCodeButton';
import { isApiError } from '../api';
import { deactivateTwoFactor, sendDeactivationEmailCode, startSettingsWebAuthn } from '../endpoints';
import { signWithPasskey } from '../passkeys';
import { describeProblem } from '../phrases';
import { normalizeRecoveryCode, RECOVERY_CODE_PATTERN } from '../recovery-code';
import type { AccountTwoFactor } from '../types';
import { useLockout } from '../use-lockout';

type Method = 'totp' | 'webauthn' | 'email' | 'recovery_code';

/** The ways to prove identity here: the account's own factors first, then an emailed code and a recovery code. */
function methodsFor(own: AccountTwoFactor['methods']): Method[] {
  return [...own.filter((kind) => kind === 'totp'), ...own.filter((kind) => kind === 'webauthn'), 'email', 'recovery_code'];
}

interface DeactivateDialogProps {
  /** The second factors the account has (`GET /account/two-factor` `methods`). */
  ownMethods: AccountTwoFactor['methods'];
  onChanged: () => void;
  onClosed: () => void;
}

/** Settings → Deactivate: verify identity (password plus one code or a passkey) and turn account 2FA off. */
export default function DeactivateDialog({ ownMethods, onChanged, onClosed }: DeactivateDialogProps) {
  const { t } = useTranslation();
  const methods = methodsFor(ownMethods);
  const { message } = App.useApp();
  const passwordRef = useRef<InputRef>(null);
  const [open, setOpen] = useState(true);
  const [password, setPassword] = useState('');
  const [method, setMethod] = useState<Method>(methods[0] ?? 'email');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [focusKey, setFocusKey] = useState(0);
  const lockout = useLockout();

  const finalCode = method === 'recovery_code' ? normalizeRecoveryCode(code) : code;
  const codeReady = method === 'webauthn' || (method === 'recovery_code' ? RECOVERY_CODE_PATTERN.test(finalCode) : code.length === CODE_LENGTH);
  const ready = password.length > 0 && codeReady && !lockout.locked;

  const submit = async () => {
    if (!ready || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      if (method === 'webauthn') await deactivateTwoFactor(password, { method, credential: await signWithPasskey(await startSettingsWebAuthn()) });
      else await deactivateTwoFactor(password, { method, code: finalCode });
      void message.success(t('account.deactivate.done'));
      onChanged();
      setOpen(false);
    } catch (failure) {
      if (!lockout.lockOn(failure)) setError(describeProblem(failure, 'deactivate'));
      if (isApiError(failure, 'two_factor_not_active', 'deactivation_not_allowed')) onChanged();
      if (isApiError(failure, 'invalid_code')) {
        setCode('');
        setFocusKey((key) => key + 1);
      }
    } finally {
      setBusy(false);
    }
  };

  const switchMethod = (next: Method) => {
    setMethod(next);
    setCode('');
    setError(undefined);
  };

  return (
    <Modal
      open={open}
      title={t('account.deactivate.title')}
      width={520}
      afterClose={onClosed}
      onCancel={() => setOpen(false)}
      maskClosable={false}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) passwordRef.current?.focus();
      }}
      footer={[
        <Button key="cancel" onClick={() => setOpen(false)}>
          {t('account.common.cancel')}
        </Button>,
        <Button key="ok" type="primary" danger loading={busy} disabled={!ready} onClick={() => void submit()}>
          {t('account.common.deactivate')}
        </Button>,
      ]}
    >
      <Form layout="vertical" component="div" requiredMark={false}>
        <h3 className="dialog-section-title">{t('account.deactivate.verify_identity')}</h3>
        <Form.Item label={t('login.password')} htmlFor="deactivate-password">
          <Input.Password
            id="deactivate-password"
            ref={passwordRef}
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            onPressEnter={() => void submit()}
          />
        </Form.Item>
        <MethodChoice methods={methods} value={method} onChange={switchMethod} marginBottom={24} />
        {method === 'email' && (
          <div style={{ marginBottom: 16 }}>
            <SendCodeButton
              send={sendDeactivationEmailCode}
              scope="deactivation"
              onSent={() => setFocusKey((key) => key + 1)}
              onError={(failure) => setError(describeProblem(failure, 'send_code'))}
            />
          </div>
        )}
        {method === 'webauthn' ? (
          <Typography.Paragraph type="secondary">{t('account.deactivate.passkey_hint')}</Typography.Paragraph>
        ) : method === 'recovery_code' ? (
          <Form.Item label={t('methods.recovery_code')} htmlFor="deactivate-recovery-code">
            <Input
              id="deactivate-recovery-code"
              className="mono"
              placeholder={t('account.common.recovery_code_placeholder')}
              autoComplete="off"
              spellCheck={false}
              value={code}
              maxLength={24}
              onChange={(event) => setCode(event.target.value)}
              onPressEnter={() => void submit()}
            />
          </Form.Item>
        ) : (
          <CodeInput
            value={code}
            onChange={setCode}
            focusKey={focusKey}
            label={method === 'totp' ? t('account.common.totp_code_label') : t('account.common.email_code_label')}
          />
        )}
      </Form>
      <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
        {error && <Alert type="error" showIcon message={error} />}
        {lockout.message && <Alert type="error" showIcon message={lockout.message} />}
        <Alert type="warning" showIcon message={t('account.deactivate.warning')} />
      </Space>
    </Modal>
  );
}
