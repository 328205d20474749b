import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Typography } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import { startChallengeWebAuthn, verifyChallengeWithPasskey } from '../endpoints';
import { signWithPasskey } from '../passkeys';
import type { Challenge, VerifyResult } from '../types';

interface PasskeySignInProps {
  challenge: Challenge;
  /** Runs the attempt and reports its failure (true when it passed). */
  onAttempt: (attempt: () => Promise<VerifyResult>) => Promise<boolean>;
  locked: boolean;
}

/** Login with a passkey or security key: the server's request options, the browser's prompt, then verify. */
export default function PasskeySignIn({ challenge, onAttempt, locked }: PasskeySignInProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const use = async () => {
    if (busy) return;
    setBusy(true);
    await onAttempt(async () => verifyChallengeWithPasskey(challenge.id, await signWithPasskey(await startChallengeWebAuthn(challenge.id))));
    setBusy(false);
  };
  return (
    <div className="passkey-step">
      <Typography.Paragraph type="secondary">{t('sign_in.passkey_sign_in.intro')}</Typography.Paragraph>
      <Button type="primary" size="large" block icon={<KeyOutlined />} loading={busy} disabled={locked} autoFocus onClick={() => void use()}>
        {t('sign_in.passkey_sign_in.use')}
      </Button>
    </div>
  );
}
