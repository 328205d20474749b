import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Modal, Skeleton } from 'antd';
import { RecoveryCodes } from './RecoveryCodes';
import { TotpSetup } from './TotpSetup';
import { isApiError } from '../api';
import { startActivation, verifyActivation } from '../endpoints';
import { forgetPendingActivation, findPendingActivation, keepPendingActivation } from '../pending-activation';
import { describeProblem, phrase } from '../phrases';
import { useReauth } from '../reauth';
import { useLockout } from '../use-lockout';
import type { TotpSecret } from '../types';

/** `key`: whether the key shown is the one shown before (`kept`) or replaced one that expired (`new`); undefined for a first key. */
type Phase =
  | { kind: 'loading' }
  | { kind: 'setup'; secret: TotpSecret; key?: 'kept' | 'new' }
  | { kind: 'expired' }
  | { kind: 'failed'; message: string }
  | { kind: 'codes'; codes: string[] };

interface ActivateDialogProps {
  accountEmail: string;
  onChanged: () => void;
  onClosed: () => void;
}

/** Settings → Activate: QR code and key, "Verify and Activate", then the one-time recovery codes. */
export default function ActivateDialog({ accountEmail, onChanged, onClosed }: ActivateDialogProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(true);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [error, setError] = useState<string>();
  const lockout = useLockout();
  const latestRequest = useRef(0);
  const withReauth = useReauth();

  const titleRef = useRef<HTMLSpanElement>(null);

  /** `fresh`: the user asked for a new key (Start again, Try again); otherwise a kept key still valid is shown again. */
  const start = useCallback(
    async (fresh = false) => {
      // Each start replaces the pending secret server-side, so only the newest answer may be shown.
      const request = ++latestRequest.current;
      setError(undefined);
      const kept = fresh ? undefined : findPendingActivation(accountEmail);
      if (kept?.reusable) {
        setPhase({ kind: 'setup', secret: kept.secret, key: 'kept' });
        return;
      }
      setPhase({ kind: 'loading' });
      try {
        const secret = await withReauth(startActivation);
        if (request !== latestRequest.current) return;
        keepPendingActivation(accountEmail, secret);
        setPhase({ kind: 'setup', secret, key: kept ? 'new' : undefined });
      } catch (failure) {
        if (request !== latestRequest.current) return;
        if (isApiError(failure, 'reauthentication_cancelled')) {
          setOpen(false);
          return;
        }
        if (isApiError(failure, 'two_factor_already_active')) onChanged();
        setPhase({ kind: 'failed', message: describeProblem(failure, 'start_activation') });
      }
    },
    [accountEmail, onChanged, withReauth],
  );

  useEffect(() => {
    void start();
  }, [start]);

  // The pending secret dies after its expiry (10 minutes); say so instead of refusing codes.
  useEffect(() => {
    if (phase.kind !== 'setup') return undefined;
    const msLeft = Date.parse(phase.secret.expiresAt) - Date.now();
    if (!Number.isFinite(msLeft)) return undefined;
    const timer = window.setTimeout(
      () => {
        forgetPendingActivation(accountEmail);
        setPhase({ kind: 'expired' });
      },
      Math.max(0, msLeft),
    );
    return () => window.clearTimeout(timer);
  }, [phase, accountEmail]);

  // The code boxes that had focus are gone once the codes show: the dialog's title takes it.
  const showingCodes = phase.kind === 'codes';
  useEffect(() => {
    if (showingCodes) titleRef.current?.focus();
  }, [showingCodes]);

  const verify = async (code: string): Promise<boolean> => {
    setError(undefined);
    try {
      const result = await verifyActivation(code);
      forgetPendingActivation(accountEmail);
      setPhase({ kind: 'codes', codes: result.recoveryCodes });
      onChanged();
      return true;
    } catch (failure) {
      if (isApiError(failure, 'activation_expired', 'no_pending_activation')) {
        forgetPendingActivation(accountEmail);
        setPhase({ kind: 'expired' });
      } else if (!lockout.lockOn(failure)) setError(describeProblem(failure, 'verify_activation'));
      return false;
    }
  };

  return (
    <Modal
      open={open}
      title={
        showingCodes ? (
          <span ref={titleRef} tabIndex={-1} className="focus-target">
            {t('login.two_factor_on')}
          </span>
        ) : (
          t('account.activate.title')
        )
      }
      footer={null}
      width={showingCodes ? 560 : 680}
      afterClose={onClosed}
      onCancel={() => setOpen(false)}
      closable={!showingCodes}
      maskClosable={false}
      keyboard={!showingCodes}
      destroyOnHidden
    >
      {phase.kind === 'loading' && <Skeleton active paragraph={{ rows: 6 }} />}
      {phase.kind === 'setup' && phase.key && (
        <Alert
          type={phase.key === 'kept' ? 'info' : 'warning'}
          showIcon
          style={{ marginBottom: 16 }}
          message={phrase(phase.key === 'kept' ? 'notice.activation_same_key' : 'notice.activation_new_key')}
        />
      )}
      {phase.kind === 'setup' && (
        <TotpSetup
          secret={phase.secret.secret}
          otpauthUri={phase.secret.otpauthUri}
          onVerify={verify}
          disabled={lockout.locked}
          error={lockout.message ?? error}
          expiresAt={phase.secret.expiresAt}
        />
      )}
      {phase.kind === 'expired' && (
        <Alert
          type="warning"
          showIcon
          message={phrase('notice.activation_expired_title')}
          description={phrase('notice.activation_expired_description')}
          action={
            <Button type="primary" onClick={() => void start(true)}>
              {t('account.activate.start_again')}
            </Button>
          }
        />
      )}
      {phase.kind === 'failed' && (
        <Alert type="error" showIcon message={phase.message} action={<Button onClick={() => void start(true)}>{t('common.try_again')}</Button>} />
      )}
      {phase.kind === 'codes' && <RecoveryCodes codes={phase.codes} accountEmail={accountEmail} onDone={() => setOpen(false)} />}
    </Modal>
  );
}
