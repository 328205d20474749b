import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Skeleton, Typography } from 'antd';
import { ChallengeCodeForm } from './ChallengeCodeForm';
import { TotpSetup } from './TotpSetup';
import { isApiError } from '../api';
import { challengeEndOf, type ChallengeEnd } from '../challenge-end';
import { startChallengeEnrollment } from '../endpoints';
import { describeProblem } from '../phrases';
import type { Challenge, TotpSecret } from '../types';
import { useLockout } from '../use-lockout';

interface EnrollmentStepProps {
  challenge: Challenge;
  onVerify: (code: string) => Promise<boolean>;
  /** The challenge can take no more codes (and why). */
  onEnded: (reason: ChallengeEnd) => void;
  error?: string;
  locked: boolean;
}

/**
 * Sign-in enrolment: fetches a fresh authenticator secret for the challenge and shows
 * TotpSetup. When the challenge also offers email, the server hands out the secret only
 * after the emailed code (so a password alone cannot bind an authenticator): that code
 * is asked first.
 */
export default function EnrollmentStep({ challenge, onVerify, onEnded, error, locked }: EnrollmentStepProps) {
  const { t } = useTranslation();
  const emailFirst = challenge.methods.includes('email');
  const [secret, setSecret] = useState<TotpSecret>();
  const [loadError, setLoadError] = useState<string>();
  const [attempt, setAttempt] = useState(0);
  const [emailPassed, setEmailPassed] = useState(false);

  useEffect(() => {
    if (emailFirst && !emailPassed) return;
    let current = true;
    setLoadError(undefined);
    startChallengeEnrollment(challenge.id).then(
      (value) => {
        if (current) setSecret(value);
      },
      (failure: unknown) => {
        if (!current) return;
        if (isApiError(failure, 'challenge_expired')) onEnded('expired');
        else if (isApiError(failure, 'email_code_required')) setEmailPassed(false);
        else setLoadError(describeProblem(failure, 'start_enrollment'));
      },
    );
    return () => {
      current = false;
    };
  }, [challenge.id, attempt, onEnded, emailFirst, emailPassed]);

  if (emailFirst && !emailPassed && !secret) {
    return (
      <EmailBeforeEnrollment
        challenge={challenge}
        start={(code) => startChallengeEnrollment(challenge.id, code)}
        onPassed={setSecret}
        onEnded={onEnded}
        locked={locked}
        intro={t('sign_in.enrollment.email_first_totp')}
      />
    );
  }
  if (loadError) {
    return (
      <Alert
        type="error"
        showIcon
        message={loadError}
        action={
          <Button size="small" onClick={() => setAttempt((n) => n + 1)}>
            {t('common.try_again')}
          </Button>
        }
      />
    );
  }
  if (!secret) return <Skeleton active paragraph={{ rows: 6 }} />;
  // The key works until its own expiry or the attempt's, whichever comes first. Only a key lapsing
  // before the attempt is renewed here (the emailed code passed already: none is asked again);
  // the attempt's end is the step's to show.
  const keyLapsesFirst = Date.parse(secret.expiresAt) < Date.parse(challenge.expiresAt);
  const renew = () => {
    setSecret(undefined);
    setEmailPassed(true);
    setAttempt((n) => n + 1);
  };
  return (
    <TotpSetup
      secret={secret.secret}
      otpauthUri={secret.otpauthUri}
      onVerify={onVerify}
      error={error}
      disabled={locked}
      expiresAt={keyLapsesFirst ? secret.expiresAt : challenge.expiresAt}
      onRenew={keyLapsesFirst ? renew : undefined}
    />
  );
}

interface EmailBeforeEnrollmentProps<T> {
  challenge: Challenge;
  /** Starts the enrolment with the emailed code; its answer (a secret, or passkey creation options) goes to `onPassed`. */
  start: (code: string) => Promise<T>;
  onPassed: (started: T) => void;
  onEnded: (reason: ChallengeEnd) => void;
  locked: boolean;
  /** The sentence above the code: confirm with a code sent by email, then what follows (set up an authenticator app). */
  intro: string;
}

/** The emailed code that must pass before an authenticator secret or passkey options are handed out. */
export function EmailBeforeEnrollment<T>({ challenge, start, onPassed, onEnded, locked, intro }: EmailBeforeEnrollmentProps<T>) {
  const [error, setError] = useState<string>();
  const lockout = useLockout();

  const verify = async (code: string): Promise<boolean> => {
    setError(undefined);
    try {
      onPassed(await start(code));
      return true;
    } catch (failure) {
      const end = challengeEndOf(failure);
      if (end) onEnded(end);
      else if (!lockout.lockOn(failure)) setError(describeProblem(failure));
      return false;
    }
  };

  return (
    <>
      <Typography.Paragraph>{intro}</Typography.Paragraph>
      <ChallengeCodeForm
        challenge={challenge}
        method="email"
        onVerify={verify}
        onSendError={(failure) => {
          if (isApiError(failure, 'challenge_expired')) onEnded('expired');
          else setError(describeProblem(failure, 'send_code'));
        }}
        locked={locked || lockout.locked}
      />
      {(lockout.message ?? error) && <Alert type="error" showIcon style={{ marginTop: 16 }} message={lockout.message ?? error} role="alert" />}
    </>
  );
}
