import { useId } from 'react';
import { Input, Switch } from 'antd';
import { CodeInput, CODE_LENGTH } from './CodeInput';
import type { OwnFactorProof } from '../endpoints';
import { normalizeRecoveryCode, RECOVERY_CODE_PATTERN } from '../recovery-code';

interface OwnFactorFieldProps {
  recovery: boolean;
  onRecoveryChange: (recovery: boolean) => void;
  code: string;
  onCodeChange: (code: string) => void;
  /** Changing it moves focus back to the code (after a wrong one). */
  focusKey?: number;
  disabled?: boolean;
  onSubmit?: () => void;
}

/** The proof `code` makes with the switch's state; undefined until it is complete. */
export function ownFactorProof(recovery: boolean, code: string): OwnFactorProof | undefined {
  if (recovery) {
    const normalized = normalizeRecoveryCode(code);
    return RECOVERY_CODE_PATTERN.test(normalized) ? { method: 'recovery_code', code: normalized } : undefined;
  }
  return code.length === CODE_LENGTH ? { method: 'totp', code } : undefined;
}

/**
 * The account's own second factor, for a password change or reset: six boxes for an
 * authenticator code, or a recovery code after "Use a recovery code instead" (an email code
 * would come to the same mailbox as a reset link, so it is never offered).
 */
export function OwnFactorField({ recovery, onRecoveryChange, code, onCodeChange, focusKey, disabled, onSubmit }: OwnFactorFieldProps) {
  const switchId = useId();
  const recoveryId = useId();
  return (
    <div className="own-factor">
      {recovery ? (
        <div className="field">
          <label className="field-label" htmlFor={recoveryId}>
            Recovery code
          </label>
          <Input
            id={recoveryId}
            key={focusKey}
            className="mono"
            placeholder="xxxx-xxxx-xxxx-xxxx"
            autoComplete="off"
            spellCheck={false}
            maxLength={24}
            value={code}
            disabled={disabled}
            autoFocus={focusKey !== undefined && focusKey > 0}
            onChange={(event) => onCodeChange(event.target.value)}
            onPressEnter={onSubmit}
          />
        </div>
      ) : (
        <CodeInput value={code} onChange={onCodeChange} focusKey={focusKey} disabled={disabled} label="Authenticator app code (6 digits)" />
      )}
      <div className="own-factor-switch">
        <Switch
          id={switchId}
          size="small"
          checked={recovery}
          disabled={disabled}
          onChange={(checked) => {
            onRecoveryChange(checked);
            onCodeChange('');
          }}
        />
        <label htmlFor={switchId}>Use a recovery code instead</label>
      </div>
    </div>
  );
}
