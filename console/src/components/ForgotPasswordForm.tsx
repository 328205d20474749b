import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Form, Input, Typography } from 'antd';
import { ArrowLeftOutlined, MailOutlined } from '@ant-design/icons';
import { requestPasswordReset } from '../endpoints';
import { useFocusOnMount } from '../focus';
import { describeProblem, phrase } from '../phrases';
import { useLockout } from '../use-lockout';

interface ForgotPasswordFormProps {
  initialEmail?: string;
  onBack: () => void;
  /** The heading's level: 1 on the login page, 2 under the reset page's own heading. */
  level?: 1 | 2;
}

/**
 * "Forgot password?": an email address, then always the same answer (the server says the
 * same for an unknown address), with the link's lifetime.
 */
export function ForgotPasswordForm({ initialEmail, onBack, level = 1 }: ForgotPasswordFormProps) {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState<{ email: string; minutes: number }>();
  const lockout = useLockout(['too_many_codes', 'too_many_attempts']);

  const onFinish = async ({ email }: { email: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const accepted = await requestPasswordReset(email.trim());
      setSent({ email: email.trim(), minutes: accepted.expiresInMinutes });
    } catch (failure) {
      if (!lockout.lockOn(failure)) setError(describeProblem(failure, 'request_password_reset'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="forgot-password">
      <Typography.Title level={level} ref={heading} tabIndex={-1} className="focus-target" style={{ fontSize: level === 1 ? 24 : 18, marginBottom: 6 }}>
        {t('sign_in.forgot_password.title')}
      </Typography.Title>
      {sent ? (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ margin: '16px 0 20px' }}
          message={phrase('notice.password_reset_requested', { minutes: sent.minutes })}
        />
      ) : (
        <>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
            {t('sign_in.forgot_password.intro')}
          </Typography.Paragraph>
          <Form layout="vertical" requiredMark={false} onFinish={onFinish} initialValues={{ email: initialEmail }} disabled={busy}>
            <Form.Item
              label={t('login.email')}
              name="email"
              rules={[
                { required: true, message: t('login.email_required') },
                { type: 'email', message: t('login.email_invalid') },
              ]}
            >
              <Input size="large" prefix={<MailOutlined aria-hidden />} autoComplete="username" inputMode="email" />
            </Form.Item>
            {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 20 }} />}
            {lockout.message && <Alert type="error" showIcon role="alert" message={lockout.message} style={{ marginBottom: 20 }} />}
            <Button type="primary" htmlType="submit" size="large" block loading={busy} disabled={lockout.locked}>
              {t('sign_in.forgot_password.send_link')}
            </Button>
          </Form>
        </>
      )}
      <Button type="link" icon={<ArrowLeftOutlined />} onClick={onBack} style={{ paddingInline: 0, marginTop: 12 }}>
        {t('sign_in.back_to_log_in')}
      </Button>
    </div>
  );
}
