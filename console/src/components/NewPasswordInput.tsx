import { useId } from 'react';
import { Input } from 'antd';

/** The password policy (src/domain/password-policy.ts) in the words shown under every new-password field. */
export const PASSWORD_POLICY_HINT = 'At least 8 characters; 15 or more is better. Avoid common passwords. Spaces and any characters are fine.';

interface NewPasswordInputProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  onPressEnter?: () => void;
}

/** "New password" with the policy hint under it (read with the field). */
export function NewPasswordInput({ id, value, onChange, disabled, onPressEnter }: NewPasswordInputProps) {
  const hintId = useId();
  return (
    <div className="field" style={{ marginBottom: 24 }}>
      <label className="field-label" htmlFor={id}>
        New password
      </label>
      <Input.Password
        id={id}
        autoComplete="new-password"
        aria-describedby={hintId}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
        onPressEnter={onPressEnter}
      />
      <div id={hintId} className="field-hint">
        {PASSWORD_POLICY_HINT}
      </div>
    </div>
  );
}
