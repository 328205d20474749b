import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Button, Typography } from 'antd';
import { MailOutlined } from '@ant-design/icons';
import { isApiError, retryAfterSeconds } from '../api';
import { findEmailCodeSent, rememberEmailCodeSent } from '../email-code-memory';
import { phrase } from '../phrases';
import { useLockout } from '../use-lockout';
import type { EmailCodeSent, ProblemCode } from '../types';

/** Refusals that keep the button disabled for as long as they last: the resend cooldown and the hourly limit. */
const COOLDOWN_CODES: readonly ProblemCode[] = ['resend_too_soon', 'too_many_codes'];

interface SendCodeButtonProps {
  send: () => Promise<EmailCodeSent>;
  /** What the code is for (a challenge id, "deactivation"): a code sent for it earlier on this page is shown as sent. */
  scope: string;
  /** Masked address shown before the first send, when known. */
  sentToHint?: string;
  /** Said after a `resend_too_soon` refusal when no code for `scope` was sent from this page (what an earlier code is worth here). */
  earlierCodeNote?: string;
  onError: (error: unknown) => void;
  onSent?: (sent: EmailCodeSent) => void;
  disabled?: boolean;
}

/**
 * "Send code", then "Resend code (Ns)" until the server's cooldown ends. A refusal inside the
 * cooldown sent nothing, and says so with the seconds left, never "We sent a code".
 */
export function SendCodeButton({ send, scope, sentToHint, earlierCodeNote, onError, onSent, disabled }: SendCodeButtonProps) {
  const { t } = useTranslation();
  const [earlier] = useState(() => findEmailCodeSent(scope));
  const cooldown = useLockout(COOLDOWN_CODES, earlier?.resendAfterSeconds ?? 0);
  const { secondsLeft } = cooldown;
  const [busy, setBusy] = useState(false);
  const [sentTo, setSentTo] = useState(earlier?.sentTo);
  // A code for this scope went out from this page (and still works).
  const [sentOnce, setSentOnce] = useState(earlier !== undefined);
  // The last click was refused inside the cooldown: no code was sent; the announcement for screen readers.
  const [refusal, setRefusal] = useState<string>();

  const address = sentTo ?? sentToHint;
  const refusalText = (seconds: number) =>
    sentOnce
      ? phrase('detail.resend_too_soon_sent_here', { sentTo: address ?? '', seconds })
      : [phrase('detail.resend_too_soon_countdown', { seconds }), earlierCodeNote].filter(Boolean).join(' ');

  const onClick = async () => {
    setBusy(true);
    try {
      const sent = await send();
      rememberEmailCodeSent(scope, sent);
      setSentTo(sent.sentTo);
      setSentOnce(true);
      setRefusal(undefined);
      cooldown.start(sent.resendAfterSeconds);
      onSent?.(sent);
    } catch (error) {
      cooldown.lockOn(error);
      if (isApiError(error, 'resend_too_soon')) setRefusal(refusalText(retryAfterSeconds(error) ?? 60));
      else onError(error);
    } finally {
      setBusy(false);
    }
  };

  const waiting = refusal !== undefined && secondsLeft > 0;
  const label =
    !sentOnce && !waiting
      ? t('sign_in.send_code.send')
      : secondsLeft > 0
        ? t('sign_in.send_code.resend_countdown', { seconds: secondsLeft })
        : t('sign_in.send_code.resend');
  const shownAddress = { address: address ?? t('sign_in.send_code.your_email') };
  const strong = { strong: <Typography.Text strong /> };

  return (
    <div className="send-code">
      <Button icon={<MailOutlined />} onClick={onClick} loading={busy} disabled={disabled || secondsLeft > 0}>
        {label}
      </Button>
      {/* The sentence ticks with the countdown; screen readers hear it once, when the refusal comes. */}
      <div className="field-hint" aria-live="polite" aria-hidden={waiting || undefined}>
        {waiting ? (
          refusalText(secondsLeft)
        ) : sentOnce ? (
          <Trans i18nKey="sign_in.send_code.sent" values={shownAddress} components={strong} />
        ) : (
          <Trans i18nKey="sign_in.send_code.will_send" values={shownAddress} components={strong} />
        )}
      </div>
      <div className="sr-only" aria-live="polite">
        {waiting ? refusal : ''}
      </div>
    </div>
  );
}
