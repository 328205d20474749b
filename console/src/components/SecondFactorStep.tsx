import { lazy, Suspense, useCallback, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Skeleton, Space, Typography } from 'antd';
import { ArrowLeftOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { ChallengeCodeForm } from './ChallengeCodeForm';
import { ExpiryCountdown } from './ExpiryCountdown';
import { RememberBrowserCheckbox } from './RememberBrowserCheckbox';
import { isApiError } from '../api';
import { challengeEndOf, type ChallengeEnd } from '../challenge-end';
import { verifyChallenge } from '../endpoints';
import { METHOD_LABELS } from '../labels';
import { passkeysSupported } from '../passkeys';
import { describeProblem, phrase, phraseForProblem } from '../phrases';
import { useLockout } from '../use-lockout';
import { type Challenge, type ChallengeMethod, isCodeMethod, type VerifyResult } from '../types';

const EnrollmentStep = lazy(() => import('./EnrollmentStep'));
const PasskeySignIn = lazy(() => import('./PasskeySignIn'));
const PasskeyEnrollment = lazy(() => import('./PasskeyEnrollment'));

interface SecondFactorStepProps {
  challenge: Challenge;
  onAuthenticated: (result: VerifyResult) => void;
  /** Back to the password step, with a message to show there (undefined when the user chose to go back). */
  onRestart: (message?: string) => void;
  /** `step-up`: inside a dialog of a signed-in session (switching workspace, a stricter super app). */
  purpose?: 'login' | 'step-up';
}

/**
 * The challenge's methods this browser can take, in the server's order: all of them, or only
 * the codes where the browser has no WebAuthn (an old browser, or a page not served from
 * https or localhost); every method when that leaves none, so the step can say why.
 */
function usableMethodsOf(challenge: Challenge): ChallengeMethod[] {
  if (passkeysSupported()) return challenge.methods;
  const codes = challenge.methods.filter(isCodeMethod);
  return codes.length > 0 ? codes : challenge.methods;
}

function initialMethod(challenge: Challenge): ChallengeMethod {
  const methods = usableMethodsOf(challenge);
  const { primaryMethod } = challenge;
  if (methods.includes(primaryMethod)) return primaryMethod;
  if (primaryMethod === 'totp' && methods.includes('totp_enrollment')) return 'totp_enrollment';
  if (primaryMethod === 'webauthn' && methods.includes('webauthn_enrollment')) return 'webauthn_enrollment';
  return methods[0] ?? 'totp';
}

/** The catalogue keys of the titles of the methods that set up a factor (the others: "Two-factor authentication"). */
const TITLES: Partial<Record<ChallengeMethod, string>> = {
  totp_enrollment: 'sign_in.second_factor.title_totp_enrollment',
  webauthn_enrollment: 'methods.webauthn_enrollment',
};

function reasonText(t: TFunction, challenge: Challenge): string | undefined {
  if (challenge.reason === 'super_app_policy') {
    return t('sign_in.second_factor.reason_super_app', { superApp: challenge.superApp.name });
  }
  if (challenge.reason === 'account_two_factor') return t('sign_in.second_factor.reason_account');
  return undefined;
}

/** The second sign-in step: verifies with the challenge's methods and lets the user switch between them. */
export function SecondFactorStep({ challenge, onAuthenticated, onRestart, purpose = 'login' }: SecondFactorStepProps) {
  const { t } = useTranslation();
  const stepUp = purpose === 'step-up';
  const [method, setMethod] = useState<ChallengeMethod>(() => initialMethod(challenge));
  const [choosing, setChoosing] = useState(false);
  const [error, setError] = useState<string>();
  // Set once the challenge can take no more codes: the boxes are disabled and the way back says why.
  const [ended, setEnded] = useState<ChallengeEnd>();
  const lockout = useLockout();
  const [rememberDevice, setRememberDevice] = useState(false);
  const locked = lockout.locked || ended !== undefined;
  const otherMethods = ended ? [] : usableMethodsOf(challenge).filter((candidate) => candidate !== method);
  const reason = reasonText(t, challenge);

  const action = stepUp ? 'step_up' : 'default';
  const end = useCallback((why: ChallengeEnd) => {
    setError(undefined);
    setChoosing(false);
    setEnded(why);
  }, []);
  const restartAfterEnd = () => {
    if (ended === 'attempts') onRestart(stepUp ? undefined : phrase('notice.challenge_ended_attempts_restart'));
    else onRestart(stepUp ? undefined : phraseForProblem('challenge_expired', {}, action));
  };

  /** Runs one answer to the challenge (a code, or a passkey's) and books its failure: the end, the lockout, or the words. */
  const attempt = async (answer: () => Promise<VerifyResult>): Promise<boolean> => {
    setError(undefined);
    try {
      onAuthenticated(await answer());
      return true;
    } catch (failure) {
      const why = challengeEndOf(failure);
      if (why) end(why);
      else if (!lockout.lockOn(failure)) setError(describeProblem(failure, isCodeMethod(method) ? action : 'use_passkey'));
      return false;
    }
  };
  const verify = (code: string): Promise<boolean> =>
    isCodeMethod(method) ? attempt(() => verifyChallenge(challenge.id, method, code, { rememberDevice: !stepUp && rememberDevice })) : Promise.resolve(false);

  const onSendError = (failure: unknown) => {
    if (isApiError(failure, 'challenge_expired')) end('expired');
    else if (!lockout.lockOn(failure)) setError(describeProblem(failure, 'send_code'));
  };

  const choose = (next: ChallengeMethod) => {
    setMethod(next);
    setChoosing(false);
    setError(undefined);
  };

  return (
    <div className="second-factor">
      <Typography.Title level={stepUp ? 2 : 1} style={{ fontSize: stepUp ? 18 : 22, marginBottom: 8 }}>
        {t(TITLES[method] ?? 'sign_in.second_factor.title')}
      </Typography.Title>
      {reason && (
        <Alert
          type="info"
          showIcon
          icon={<SafetyCertificateOutlined />}
          style={{ marginBottom: 16 }}
          message={reason}
          description={
            challenge.workspace
              ? t('sign_in.second_factor.signing_in_to_workspace', { workspace: challenge.workspace.name })
              : stepUp && challenge.superApp
                ? t('sign_in.second_factor.verifying_to_manage', { superApp: challenge.superApp.name })
                : undefined
          }
        />
      )}
      <Typography.Text strong style={{ display: 'block', marginBottom: 4 }}>
        {METHOD_LABELS[method]}
      </Typography.Text>

      <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
        {method === 'totp_enrollment' ? (
          <EnrollmentStep challenge={challenge} onVerify={verify} onEnded={end} error={error} locked={locked} />
        ) : method === 'webauthn' ? (
          <PasskeySignIn challenge={challenge} onAttempt={attempt} locked={locked} />
        ) : method === 'webauthn_enrollment' ? (
          <PasskeyEnrollment challenge={challenge} onAttempt={attempt} onEnded={end} locked={locked} />
        ) : (
          <ChallengeCodeForm key={method} challenge={challenge} method={method} onVerify={verify} onSendError={onSendError} locked={locked} />
        )}
      </Suspense>

      {!stepUp && <RememberBrowserCheckbox days={challenge.rememberDeviceDays} checked={rememberDevice} onChange={setRememberDevice} disabled={locked} />}

      {/* The attempt's own end: at zero the step goes where a 410 would take it, before a code is typed into a dead attempt. */}
      {!ended && (
        <ExpiryCountdown
          expiresAt={challenge.expiresAt}
          text={(time) => t(stepUp ? 'sign_in.second_factor.expires_in_step_up' : 'sign_in.second_factor.expires_in', { time })}
          soonText={t(stepUp ? 'sign_in.second_factor.expires_soon_step_up' : 'sign_in.second_factor.expires_soon')}
          onExpired={() => end('expired')}
          className="challenge-expiry"
        />
      )}

      {ended && <ChallengeEndedNotice reason={ended} stepUp={stepUp} onRestart={restartAfterEnd} />}
      {lockout.message && !ended && <Alert type="error" showIcon style={{ marginTop: 16 }} role="alert" message={lockout.message} />}
      {error && !locked && method !== 'totp_enrollment' && <Alert type="error" showIcon style={{ marginTop: 16 }} message={error} role="alert" />}

      <div style={{ marginTop: 20 }}>
        {otherMethods.length > 0 && !choosing && (
          <Button type="link" onClick={() => setChoosing(true)} style={{ paddingInline: 0 }}>
            {t('sign_in.second_factor.use_another_method')}
          </Button>
        )}
        {choosing && (
          <div role="group" aria-label={t('sign_in.second_factor.other_methods')}>
            <Space direction="vertical" style={{ width: '100%' }}>
              {otherMethods.map((candidate) => (
                <Button key={candidate} block onClick={() => choose(candidate)} autoFocus={candidate === otherMethods[0]}>
                  {METHOD_LABELS[candidate]}
                </Button>
              ))}
            </Space>
          </div>
        )}
        {ended ? null : stepUp ? (
          <Button type="link" onClick={() => onRestart()} style={{ paddingInline: 0, display: 'flex' }}>
            {t('sign_in.second_factor.cancel')}
          </Button>
        ) : (
          <Button type="link" icon={<ArrowLeftOutlined />} onClick={() => onRestart()} style={{ paddingInline: 0, display: 'flex' }}>
            {t('sign_in.back_to_log_in')}
          </Button>
        )}
      </div>
    </div>
  );
}

/** Where a dead challenge leaves the user: the true reason, and the one way on (sign in again, or close the step-up). */
function ChallengeEndedNotice({ reason, stepUp, onRestart }: { reason: ChallengeEnd; stepUp: boolean; onRestart: () => void }) {
  const { t } = useTranslation();
  const title =
    reason === 'attempts'
      ? phrase('notice.challenge_ended_attempts_title')
      : phrase(stepUp ? 'notice.challenge_ended_expired_step_up_title' : 'notice.challenge_ended_expired_title');
  const description =
    reason === 'attempts'
      ? phrase(stepUp ? 'notice.challenge_ended_attempts_step_up_description' : 'notice.challenge_ended_attempts_description')
      : phrase(stepUp ? 'notice.challenge_ended_expired_step_up_description' : 'notice.challenge_ended_expired_description');
  return (
    <Alert
      type="warning"
      showIcon
      role="alert"
      style={{ marginTop: 16 }}
      message={title}
      description={
        <>
          <p style={{ margin: '0 0 12px' }}>{description}</p>
          {/* The boxes are disabled now: focus moves to the way on. */}
          <Button type="primary" onClick={onRestart} autoFocus>
            {t(stepUp ? 'sign_in.second_factor.close' : 'sign_in.second_factor.sign_in_again')}
          </Button>
        </>
      }
    />
  );
}
