import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Modal, Skeleton } from 'antd';
import { RecoveryCodes } from './RecoveryCodes';
import { TotpSetup } from './TotpSetup';
import { isApiError } from '../api';
import { startActivation, verifyActivation } from '../endpoints';
import { describeProblem, phrase } from '../phrases';
import { useReauth } from '../reauth';
import { useLockout } from '../use-lockout';
import type { TotpSecret } from '../types';

type Phase =
  { kind: 'loading' } | { kind: 'setup'; secret: TotpSecret } | { kind: 'expired' } | { kind: 'failed'; message: string } | { kind: 'codes'; codes: string[] };

interface ActivateDialogProps {
  accountEmail: string;
  onChanged: () => void;
  onClosed: () => void;
}

/** Settings → Activate: QR code and key, "Verify and Activate", then the one-time recovery codes. */
export default function ActivateDialog({ accountEmail, onChanged, onClosed }: ActivateDialogProps) {
  const [open, setOpen] = useState(true);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const [error, setError] = useState<string>();
  const lockout = useLockout();
  const latestRequest = useRef(0);
  const withReauth = useReauth();

  const start = useCallback(async () => {
    // Each start replaces the pending secret server-side, so only the newest answer may be shown.
    const request = ++latestRequest.current;
    setPhase({ kind: 'loading' });
    setError(undefined);
    try {
      const secret = await withReauth(startActivation);
      if (request === latestRequest.current) setPhase({ kind: 'setup', secret });
    } catch (failure) {
      if (request !== latestRequest.current) return;
      if (isApiError(failure, 'reauthentication_cancelled')) {
        setOpen(false);
        return;
      }
      if (isApiError(failure, 'two_factor_already_active')) onChanged();
      setPhase({ kind: 'failed', message: describeProblem(failure, 'start_activation') });
    }
  }, [onChanged, withReauth]);

  useEffect(() => {
    void start();
  }, [start]);

  // The pending secret dies after its expiry (10 minutes); say so instead of refusing codes.
  useEffect(() => {
    if (phase.kind !== 'setup') return undefined;
    const msLeft = Date.parse(phase.secret.expiresAt) - Date.now();
    if (!Number.isFinite(msLeft)) return undefined;
    const timer = window.setTimeout(() => setPhase({ kind: 'expired' }), Math.max(0, msLeft));
    return () => window.clearTimeout(timer);
  }, [phase]);

  const verify = async (code: string): Promise<boolean> => {
    setError(undefined);
    try {
      const result = await verifyActivation(code);
      setPhase({ kind: 'codes', codes: result.recoveryCodes });
      onChanged();
      return true;
    } catch (failure) {
      if (isApiError(failure, 'activation_expired', 'no_pending_activation')) setPhase({ kind: 'expired' });
      else if (!lockout.lockOn(failure)) setError(describeProblem(failure, 'verify_activation'));
      return false;
    }
  };

  const showingCodes = phase.kind === 'codes';
  return (
    <Modal
      open={open}
      title={showingCodes ? 'Two-factor authentication is on' : 'Activate two-factor authentication'}
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
      {phase.kind === 'setup' && (
        <TotpSetup
          secret={phase.secret.secret}
          otpauthUri={phase.secret.otpauthUri}
          onVerify={verify}
          disabled={lockout.locked}
          error={lockout.message ?? error}
        />
      )}
      {phase.kind === 'expired' && (
        <Alert
          type="warning"
          showIcon
          message={phrase('notice.activation_expired_title')}
          description={phrase('notice.activation_expired_description')}
          action={
            <Button type="primary" onClick={() => void start()}>
              Start again
            </Button>
          }
        />
      )}
      {phase.kind === 'failed' && <Alert type="error" showIcon message={phase.message} action={<Button onClick={() => void start()}>Try again</Button>} />}
      {phase.kind === 'codes' && <RecoveryCodes codes={phase.codes} accountEmail={accountEmail} onDone={() => setOpen(false)} />}
    </Modal>
  );
}
