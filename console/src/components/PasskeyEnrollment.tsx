import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Input, Typography } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import { EmailBeforeEnrollment } from './EnrollmentStep';
import type { ChallengeEnd } from '../challenge-end';
import { startChallengeWebAuthnEnrollment, verifyChallengeWithNewPasskey } from '../endpoints';
import { createPasskey } from '../passkeys';
import type { Challenge, PasskeyCreationOptions, VerifyResult } from '../types';
import { defaultPasskeyName } from '../user-agent';

interface PasskeyEnrollmentProps {
  challenge: Challenge;
  /** Runs the attempt and reports its failure (true when it passed). */
  onAttempt: (attempt: () => Promise<VerifyResult>) => Promise<boolean>;
  onEnded: (reason: ChallengeEnd) => void;
  locked: boolean;
}

/**
 * Adding a passkey during login, where a super app requires one and the account has none:
 * the emailed code first when the challenge offers email (as for an authenticator), then a
 * name and the browser's prompt; the answer signs the user in.
 */
export default function PasskeyEnrollment({ challenge, onAttempt, onEnded, locked }: PasskeyEnrollmentProps) {
  const { t } = useTranslation();
  const emailFirst = challenge.methods.includes('email');
  const [emailPassed, setEmailPassed] = useState(!emailFirst);
  // Options handed out with the emailed code, used by the first try (later tries ask again).
  const [options, setOptions] = useState<PasskeyCreationOptions>();
  const [name, setName] = useState(defaultPasskeyName);
  const [busy, setBusy] = useState(false);
  const nameId = useId();

  if (!emailPassed) {
    return (
      <EmailBeforeEnrollment
        challenge={challenge}
        start={(code) => startChallengeWebAuthnEnrollment(challenge.id, code)}
        onPassed={(started) => {
          setOptions(started);
          setEmailPassed(true);
        }}
        onEnded={onEnded}
        locked={locked}
        intro={t('sign_in.enrollment.email_first_passkey')}
      />
    );
  }

  const add = async () => {
    if (busy) return;
    setBusy(true);
    const ready = options;
    setOptions(undefined);
    await onAttempt(async () => {
      const creation = ready ?? (await startChallengeWebAuthnEnrollment(challenge.id));
      return verifyChallengeWithNewPasskey(challenge.id, await createPasskey(creation), name.trim() || t('sign_in.passkey_enrollment.default_name'));
    });
    setBusy(false);
  };

  return (
    <div className="passkey-step">
      <Typography.Paragraph type="secondary">
        {challenge.superApp ? t('sign_in.passkey_enrollment.intro_super_app', { superApp: challenge.superApp.name }) : t('sign_in.passkey_enrollment.intro')}
      </Typography.Paragraph>
      <div className="field">
        <label className="field-label" htmlFor={nameId}>
          {t('sign_in.passkey_enrollment.name')}
        </label>
        <Input id={nameId} value={name} maxLength={64} disabled={locked} onChange={(event) => setName(event.target.value)} onPressEnter={() => void add()} />
      </div>
      <Button type="primary" size="large" block icon={<KeyOutlined />} loading={busy} disabled={locked} style={{ marginTop: 16 }} onClick={() => void add()}>
        {t('sign_in.passkey_enrollment.add')}
      </Button>
    </div>
  );
}
