import { useTranslation } from 'react-i18next';
import { useState } from 'react';
import { Alert, Button, Form, Input } from 'antd';
import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { isApiError } from '../api';
import { logIn } from '../endpoints';
import { describeProblem } from '../phrases';
import { useLockout } from '../use-lockout';
import type { LoginResult } from '../types';
import { forgetWorkspace, lastWorkspaceId } from '../workspace-memory';

interface PasswordFormProps {
  /** `rememberedWorkspace`: the login went to the workspace this browser used last. */
  onResult: (result: LoginResult, email: string, rememberedWorkspace: boolean) => void;
  /** Shown above the form, e.g. why the user is back at this step. */
  notice?: string;
  initialEmail?: string;
}

/** First factor: email and password. */
export function PasswordForm({ onResult, notice, initialEmail }: PasswordFormProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const lockout = useLockout();

  const onFinish = async ({ email, password }: { email: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    const address = email.trim();
    const remembered = lastWorkspaceId();
    try {
      try {
        onResult(await logIn(address, password, remembered), address, remembered !== undefined);
      } catch (failure) {
        // The workspace this browser remembers is no longer the account's: log in to the default one.
        if (remembered === undefined || !isApiError(failure, 'not_a_member')) throw failure;
        forgetWorkspace(remembered);
        onResult(await logIn(address, password), address, false);
      }
    } catch (failure) {
      if (!lockout.lockOn(failure)) setError(describeProblem(failure));
      setBusy(false);
    }
  };

  return (
    <Form layout="vertical" requiredMark={false} onFinish={onFinish} initialValues={{ email: initialEmail }} disabled={busy}>
      {notice && !error && <Alert type="warning" showIcon message={notice} style={{ marginBottom: 20 }} />}
      <Form.Item
        label={t('login.email')}
        name="email"
        rules={[
          { required: true, message: t('login.email_required') },
          { type: 'email', message: t('login.email_invalid') },
        ]}
      >
        <Input size="large" prefix={<MailOutlined aria-hidden />} autoComplete="username" autoFocus={!initialEmail} inputMode="email" />
      </Form.Item>
      <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.password_required') }]}>
        <Input.Password size="large" prefix={<LockOutlined aria-hidden />} autoComplete="current-password" autoFocus={!!initialEmail} />
      </Form.Item>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 20 }} />}
      {lockout.message && <Alert type="error" showIcon style={{ marginBottom: 20 }} message={lockout.message} />}
      <Button type="primary" htmlType="submit" size="large" block loading={busy} disabled={lockout.locked}>
        {t('login.submit')}
      </Button>
    </Form>
  );
}
