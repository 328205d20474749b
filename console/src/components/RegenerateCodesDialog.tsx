import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Form, Input, Modal, Space, Typography, type InputRef } from 'antd';
import { CodeInput, CODE_LENGTH } from './CodeInput';
import { MethodChoice } from './MethodChoice';
import { RecoveryCodes } from './RecoveryCodes';
import { isApiError } from '../api';
import { regenerateRecoveryCodes, startSettingsWebAuthn } from '../endpoints';
import { signWithPasskey } from '../passkeys';
import { describeProblem } from '../phrases';
import type { AccountTwoFactor } from '../types';
import { useLockout } from '../use-lockout';

interface RegenerateCodesDialogProps {
  accountEmail: string;
  /** The second factors the account has: an authenticator code, a passkey, or either. */
  ownMethods: AccountTwoFactor['methods'];
  onChanged: () => void;
  onClosed: () => void;
}

/** Settings → "Regenerate recovery codes": password plus a current authenticator code or a passkey, then the new codes. */
export default function RegenerateCodesDialog({ accountEmail, ownMethods, onChanged, onClosed }: RegenerateCodesDialogProps) {
  const { t } = useTranslation();
  const passwordRef = useRef<InputRef>(null);
  const [open, setOpen] = useState(true);
  const [method, setMethod] = useState<'totp' | 'webauthn'>(ownMethods.includes('totp') ? 'totp' : 'webauthn');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[]>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [focusKey, setFocusKey] = useState(0);
  const lockout = useLockout();
  const ready = password.length > 0 && (method === 'webauthn' || code.length === CODE_LENGTH) && !lockout.locked;

  const submit = async () => {
    if (!ready || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const result = await regenerateRecoveryCodes(
        password,
        method === 'webauthn' ? { method, credential: await signWithPasskey(await startSettingsWebAuthn()) } : { code },
      );
      setCodes(result.recoveryCodes);
      onChanged();
    } catch (failure) {
      if (!lockout.lockOn(failure)) setError(describeProblem(failure, 'regenerate_codes'));
      if (isApiError(failure, 'invalid_code')) {
        setCode('');
        setFocusKey((key) => key + 1);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={codes ? t('account.regenerate.title_done') : t('account.common.regenerate_codes')}
      width={540}
      afterClose={onClosed}
      onCancel={() => setOpen(false)}
      maskClosable={false}
      closable={!codes}
      keyboard={!codes}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) passwordRef.current?.focus();
      }}
      footer={
        codes
          ? null
          : [
              <Button key="cancel" onClick={() => setOpen(false)}>
                {t('account.common.cancel')}
              </Button>,
              <Button key="ok" type="primary" loading={busy} disabled={!ready} onClick={() => void submit()}>
                {t('account.regenerate.submit')}
              </Button>,
            ]
      }
    >
      {codes ? (
        <RecoveryCodes codes={codes} accountEmail={accountEmail} onDone={() => setOpen(false)} />
      ) : (
        <>
          <Typography.Paragraph type="secondary">{t('account.regenerate.intro')}</Typography.Paragraph>
          <Form layout="vertical" component="div">
            <Form.Item label={t('login.password')} htmlFor="regenerate-password">
              <Input.Password
                id="regenerate-password"
                ref={passwordRef}
                autoComplete="current-password"
                value={password}
                onChange={(event) => setPassword(event.target.value)}
                onPressEnter={() => void submit()}
              />
            </Form.Item>
          </Form>
          {ownMethods.length > 1 && <MethodChoice methods={ownMethods} value={method} onChange={setMethod} />}
          {method === 'webauthn' ? (
            <Typography.Paragraph type="secondary">{t('account.regenerate.passkey_hint')}</Typography.Paragraph>
          ) : (
            <CodeInput value={code} onChange={setCode} focusKey={focusKey} label={t('account.common.totp_code_label')} />
          )}
          <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
            {error && <Alert type="error" showIcon message={error} />}
            {lockout.message && <Alert type="error" showIcon message={lockout.message} />}
          </Space>
        </>
      )}
    </Modal>
  );
}
