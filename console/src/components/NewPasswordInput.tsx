import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Input } from 'antd';

interface NewPasswordInputProps {
  id: string;
  value: string;
  onChange: (value: string) => void;
  disabled?: boolean;
  onPressEnter?: () => void;
}

/** "New password" with the password policy's hint under it (read with the field; `sign_in.new_password.policy_hint`). */
export function NewPasswordInput({ id, value, onChange, disabled, onPressEnter }: NewPasswordInputProps) {
  const { t } = useTranslation();
  const hintId = useId();
  return (
    <div className="field" style={{ marginBottom: 24 }}>
      <label className="field-label" htmlFor={id}>
        {t('sign_in.new_password.label')}
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
        {t('sign_in.new_password.policy_hint')}
      </div>
    </div>
  );
}
