import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { ApiError, isApiError } from './api';
import { ReauthDialog } from './components/ReauthDialog';
import { t } from './i18n';

/** Runs `action`; when the server wants the password again, asks for it once and retries. */
export type WithReauth = <T>(action: () => Promise<T>) => Promise<T>;

const ReauthContext = createContext<WithReauth>((action) => action());

/** Thrown when the user closes "Confirm your password" instead of confirming. */
export const reauthenticationCancelled = () => new ApiError(0, 'reauthentication_cancelled', { title: t('account.reauth.cancelled') });

interface Pending {
  resolve: () => void;
  reject: (reason: unknown) => void;
}

/** Provides useReauth() and shows the password dialog while a retry waits for it. */
export function ReauthProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const waiting = useRef<Promise<void> | null>(null);

  // Calls that hit the requirement together share one password prompt.
  const askPassword = useCallback(() => {
    waiting.current ??= new Promise<void>((resolve, reject) => setPending({ resolve, reject })).finally(() => {
      waiting.current = null;
    });
    return waiting.current;
  }, []);

  const withReauth = useCallback<WithReauth>(
    async (action) => {
      try {
        return await action();
      } catch (failure) {
        if (!isApiError(failure, 'reauthentication_required')) throw failure;
        await askPassword();
        return action();
      }
    },
    [askPassword],
  );

  return (
    <ReauthContext.Provider value={withReauth}>
      {children}
      {pending && (
        <ReauthDialog
          onConfirmed={() => {
            pending.resolve();
            setPending(null);
          }}
          onCancelled={() => {
            pending.reject(reauthenticationCancelled());
            setPending(null);
          }}
        />
      )}
    </ReauthContext.Provider>
  );
}

/** The retry-after-password wrapper for sensitive calls (activation, policy, member reset). */
export const useReauth = (): WithReauth => useContext(ReauthContext);
