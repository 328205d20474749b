import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Input, Modal, Space, Typography } from 'antd';
import { RecoveryCodes } from './RecoveryCodes';
import { isApiError } from '../api';
import { addPasskey, startPasskeyRegistration } from '../endpoints';
import { createPasskey } from '../passkeys';
import { describeProblem } from '../phrases';
import { useReauth } from '../reauth';
import { defaultPasskeyName } from '../user-agent';

interface AddPasskeyDialogProps {
  accountEmail: string;
  /** `first`: it was the account's first second factor (2FA is on now, recovery codes shown). */
  onAdded: (first: boolean) => void;
  onClosed: () => void;
}

/**
 * Settings → "Add a passkey or security key": a name, the browser's prompt (after the
 * password when it was entered more than 15 minutes ago), and the one-time recovery codes
 * when it is the account's first second factor.
 */
export default function AddPasskeyDialog({ accountEmail, onAdded, onClosed }: AddPasskeyDialogProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const withReauth = useReauth();
  const [open, setOpen] = useState(true);
  const [name, setName] = useState(defaultPasskeyName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [codes, setCodes] = useState<string[]>();
  const ready = name.trim().length > 0;

  const add = async () => {
    if (!ready || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      const credential = await createPasskey(await withReauth(startPasskeyRegistration));
      const added = await withReauth(() => addPasskey(name.trim(), credential));
      onAdded(added.recoveryCodes !== undefined);
      if (added.recoveryCodes) setCodes(added.recoveryCodes);
      else {
        void message.success(t('account.add_passkey.added', { name: added.passkey.name }));
        setOpen(false);
      }
    } catch (failure) {
      if (isApiError(failure, 'reauthentication_cancelled')) setOpen(false);
      else setError(describeProblem(failure, 'add_passkey'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={codes ? t('account.add_passkey.title_codes') : t('methods.webauthn_enrollment')}
      width={codes ? 540 : 480}
      afterClose={onClosed}
      onCancel={() => setOpen(false)}
      maskClosable={false}
      closable={!codes}
      keyboard={!codes}
      destroyOnHidden
      footer={
        codes
          ? null
          : [
              <Button key="cancel" onClick={() => setOpen(false)}>
                {t('account.common.cancel')}
              </Button>,
              <Button key="ok" type="primary" loading={busy} disabled={!ready} onClick={() => void add()}>
                {t('account.add_passkey.add')}
              </Button>,
            ]
      }
    >
      {codes ? (
        <>
          <Alert
            type="success"
            showIcon
            style={{ marginBottom: 16 }}
            message={t('login.two_factor_on')}
            description={t('account.add_passkey.first_factor_description')}
          />
          <RecoveryCodes codes={codes} accountEmail={accountEmail} onDone={() => setOpen(false)} />
        </>
      ) : (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            {t('account.add_passkey.intro')}
          </Typography.Paragraph>
          <div className="field">
            <label className="field-label" htmlFor="passkey-name">
              {t('account.common.name')}
            </label>
            <Input id="passkey-name" autoFocus maxLength={64} value={name} onChange={(event) => setName(event.target.value)} onPressEnter={() => void add()} />
          </div>
          {error && <Alert type="error" showIcon role="alert" message={error} />}
        </Space>
      )}
    </Modal>
  );
}
