import { useState } from 'react';
import { Button, Typography } from 'antd';
import { MailOutlined } from '@ant-design/icons';
import { isApiError } from '../api';
import { useLockout } from '../use-lockout';
import type { EmailCodeSent, ProblemCode } from '../types';

/** Refusals that keep the button disabled for as long as they last: the resend cooldown and the hourly limit. */
const COOLDOWN_CODES: readonly ProblemCode[] = ['resend_too_soon', 'too_many_codes'];

interface SendCodeButtonProps {
  send: () => Promise<EmailCodeSent>;
  /** Masked address shown before the first send, when known. */
  sentToHint?: string;
  onError: (error: unknown) => void;
  onSent?: (sent: EmailCodeSent) => void;
  disabled?: boolean;
}

/** "Send code", then "Resend code (Ns)" until the server's cooldown ends. */
export function SendCodeButton({ send, sentToHint, onError, onSent, disabled }: SendCodeButtonProps) {
  const cooldown = useLockout(COOLDOWN_CODES);
  const { secondsLeft } = cooldown;
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState<string>();
  const [sentOnce, setSentOnce] = useState(false);

  const onClick = async () => {
    setBusy(true);
    try {
      const sent = await send();
      setSentTo(sent.sentTo);
      setSentOnce(true);
      cooldown.start(sent.resendAfterSeconds);
      onSent?.(sent);
    } catch (error) {
      cooldown.lockOn(error);
      if (isApiError(error, 'resend_too_soon')) setSentOnce(true);
      else onError(error);
    } finally {
      setBusy(false);
    }
  };

  const label = !sentOnce ? 'Send code' : secondsLeft > 0 ? `Resend code (${secondsLeft}s)` : 'Resend code';
  const address = sentTo ?? sentToHint;

  return (
    <div className="send-code">
      <Button icon={<MailOutlined />} onClick={onClick} loading={busy} disabled={disabled || secondsLeft > 0}>
        {label}
      </Button>
      <div className="field-hint" aria-live="polite">
        {sentOnce ? (
          <>
            We sent a 6-digit code to <Typography.Text strong>{address ?? 'your email address'}</Typography.Text>. It is valid for 10 minutes.
          </>
        ) : (
          <>
            We will email a 6-digit code to <Typography.Text strong>{address ?? 'your email address'}</Typography.Text>.
          </>
        )}
      </div>
    </div>
  );
}
