import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Input, Typography } from 'antd';
import { CodeInput, CODE_LENGTH } from './CodeInput';
import { SendCodeButton } from './SendCodeButton';
import { sendChallengeEmailCode } from '../endpoints';
import { phrase } from '../phrases';
import { normalizeRecoveryCode, RECOVERY_CODE_PATTERN } from '../recovery-code';
import type { Challenge } from '../types';

interface ChallengeCodeFormProps {
  challenge: Challenge;
  method: 'totp' | 'email' | 'recovery_code';
  /** Resolves false when the code was refused (the field clears for another try). */
  onVerify: (code: string) => Promise<boolean>;
  onSendError: (error: unknown) => void;
  locked: boolean;
}

/** The catalogue key of each method's intro. */
const INTRO = {
  totp: 'sign_in.code_form.intro_totp',
  email: 'sign_in.code_form.intro_email',
  recovery_code: 'sign_in.code_form.intro_recovery_code',
} as const satisfies Record<ChallengeCodeFormProps['method'], string>;

/** The code entry for one sign-in method: six boxes (authenticator, email) or a recovery-code field. */
export function ChallengeCodeForm({ challenge, method, onVerify, onSendError, locked }: ChallengeCodeFormProps) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [focusKey, setFocusKey] = useState(0);
  const isRecovery = method === 'recovery_code';
  const ready = isRecovery ? RECOVERY_CODE_PATTERN.test(normalizeRecoveryCode(code)) : code.length === CODE_LENGTH;

  const submit = async (value = code) => {
    const normalized = isRecovery ? normalizeRecoveryCode(value) : value;
    if (busy || locked) return;
    setBusy(true);
    const accepted = await onVerify(normalized).catch(() => false);
    setBusy(false);
    if (!accepted) {
      setCode('');
      setFocusKey((key) => key + 1);
    }
  };

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (ready) void submit();
      }}
    >
      <Typography.Paragraph type="secondary">{t(INTRO[method])}</Typography.Paragraph>
      {method === 'email' && (
        <div style={{ marginBottom: 20 }}>
          <SendCodeButton
            send={() => sendChallengeEmailCode(challenge.id)}
            scope={challenge.id}
            earlierCodeNote={phrase('detail.resend_too_soon_earlier_attempt')}
            sentToHint={challenge.sentTo}
            onError={onSendError}
            disabled={locked}
            onSent={() => setFocusKey((key) => key + 1)}
          />
        </div>
      )}
      {isRecovery ? (
        <label className="recovery-field">
          <span className="field-label">{t('methods.recovery_code')}</span>
          <Input
            size="large"
            className="mono"
            value={code}
            autoFocus
            autoComplete="off"
            spellCheck={false}
            placeholder={t('sign_in.code_form.recovery_code_placeholder')}
            maxLength={24}
            disabled={locked}
            onChange={(event) => setCode(event.target.value)}
            key={focusKey}
          />
        </label>
      ) : (
        <CodeInput
          value={code}
          onChange={setCode}
          onComplete={(value) => void submit(value)}
          autoFocus={method === 'totp'}
          disabled={locked}
          focusKey={focusKey}
        />
      )}
      <Button type="primary" htmlType="submit" size="large" block loading={busy} disabled={!ready || locked} style={{ marginTop: 20 }}>
        {t('sign_in.code_form.verify')}
      </Button>
    </form>
  );
}
