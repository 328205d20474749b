import { lazy, Suspense, useState, type ReactNode } from 'react';
import { App, Modal, Skeleton } from 'antd';
import { SecondFactorStep } from './components/SecondFactorStep';
import { describeProblem } from './phrases';
import { useReauth } from './reauth';
import type { Challenge, StepUpResult, VerifyResult } from './types';

const RecoveryCodes = lazy(() => import('./components/RecoveryCodes').then((m) => ({ default: m.RecoveryCodes })));

interface Pending {
  challenge: Challenge;
  title: string;
  recoveryCodes?: string[];
}

export interface StepUp {
  /** Runs a switch or step-up request: done at once, or the challenge it returns in a dialog. */
  start: (request: () => Promise<StepUpResult>, title: string) => Promise<void>;
  /** The dialog, to render while a challenge is open. */
  element: ReactNode;
}

/**
 * Switching into a workspace or stepping up into a super app: when the server asks for a
 * second factor, the same step as at login opens in a dialog; `onDone` runs once the
 * session has the authority it asked for.
 */
export function useStepUp(onDone: () => void): StepUp {
  const { message } = App.useApp();
  const withReauth = useReauth();
  const [pending, setPending] = useState<Pending>();

  const start = async (request: () => Promise<StepUpResult>, title: string) => {
    try {
      const result = await withReauth(request);
      if (result.status === 'authenticated') onDone();
      else setPending({ challenge: result.challenge, title });
    } catch (failure) {
      void message.error(describeProblem(failure, 'step_up'));
    }
  };

  const finish = () => {
    setPending(undefined);
    onDone();
  };
  const verified = (result: VerifyResult) => {
    if (result.recoveryCodes?.length && pending) setPending({ ...pending, recoveryCodes: result.recoveryCodes });
    else finish();
  };
  const cancel = (notice?: string) => {
    setPending(undefined);
    if (notice) void message.warning(notice);
  };

  const element = pending ? (
    <Modal
      open
      title={pending.title}
      footer={null}
      onCancel={() => (pending.recoveryCodes ? finish() : cancel())}
      maskClosable={false}
      destroyOnHidden
      width={pending.challenge.methods.includes('totp_enrollment') ? 640 : 480}
    >
      {pending.recoveryCodes ? (
        <Suspense fallback={<Skeleton active />}>
          <RecoveryCodes codes={pending.recoveryCodes} onDone={finish} />
        </Suspense>
      ) : (
        <SecondFactorStep challenge={pending.challenge} purpose="step-up" onAuthenticated={verified} onRestart={cancel} />
      )}
    </Modal>
  ) : null;

  return { start, element };
}
