import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Form, Input, Modal, Typography, type InputRef } from 'antd';
import { reauthenticate } from '../endpoints';
import { describeProblem } from '../phrases';

interface ReauthDialogProps {
  onConfirmed: () => void;
  onCancelled: () => void;
}

/** "Confirm your password": renews the session's 15-minute window for sensitive changes. */
export function ReauthDialog({ onConfirmed, onCancelled }: ReauthDialogProps) {
  const { t } = useTranslation();
  const passwordRef = useRef<InputRef>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const confirm = async () => {
    if (!password || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await reauthenticate(password);
      onConfirmed();
    } catch (failure) {
      setError(describeProblem(failure, 'confirm_password'));
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('account.reauth.title')}
      okText={t('account.reauth.confirm')}
      onOk={() => void confirm()}
      onCancel={onCancelled}
      confirmLoading={busy}
      okButtonProps={{ disabled: !password }}
      maskClosable={false}
      width={440}
      zIndex={1100}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) passwordRef.current?.focus();
      }}
    >
      <Typography.Paragraph type="secondary">{t('account.reauth.intro')}</Typography.Paragraph>
      <Form layout="vertical" component="div">
        <Form.Item label={t('login.password')} htmlFor="reauth-password" style={{ marginBottom: error ? 16 : 0 }}>
          <Input.Password
            id="reauth-password"
            ref={passwordRef}
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            onPressEnter={() => void confirm()}
          />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
    </Modal>
  );
}
