import { useEffect, useState } from 'react';
import { Alert, Button, Skeleton } from 'antd';
import { TotpSetup } from './TotpSetup';
import { isApiError } from '../api';
import { startChallengeEnrollment } from '../endpoints';
import { describeProblem } from '../phrases';
import type { Challenge, TotpSecret } from '../types';

interface EnrollmentStepProps {
  challenge: Challenge;
  onVerify: (code: string) => Promise<boolean>;
  onExpired: () => void;
  error?: string;
  locked: boolean;
}

/** Sign-in enrolment: fetches a fresh authenticator secret for the challenge and shows TotpSetup. */
export default function EnrollmentStep({ challenge, onVerify, onExpired, error, locked }: EnrollmentStepProps) {
  const [secret, setSecret] = useState<TotpSecret>();
  const [loadError, setLoadError] = useState<string>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setLoadError(undefined);
    startChallengeEnrollment(challenge.id).then(
      (value) => {
        if (current) setSecret(value);
      },
      (failure: unknown) => {
        if (!current) return;
        if (isApiError(failure, 'challenge_expired')) onExpired();
        else setLoadError(describeProblem(failure, 'start_enrollment'));
      },
    );
    return () => {
      current = false;
    };
  }, [challenge.id, attempt, onExpired]);

  if (loadError) {
    return (
      <Alert
        type="error"
        showIcon
        message={loadError}
        action={
          <Button size="small" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </Button>
        }
      />
    );
  }
  if (!secret) return <Skeleton active paragraph={{ rows: 6 }} />;
  return <TotpSetup secret={secret.secret} otpauthUri={secret.otpauthUri} onVerify={onVerify} error={error} disabled={locked} />;
}
