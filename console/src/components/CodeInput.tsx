import { useEffect, useId, useRef, type ClipboardEvent } from 'react';
import { Input } from 'antd';
import { useTranslation } from 'react-i18next';
import type { OTPRef } from 'antd/es/input/OTP';

export const CODE_LENGTH = 6;

const digitsOnly = (text: string) => text.replace(/\D/g, '');

interface CodeInputProps {
  value: string;
  onChange: (code: string) => void;
  /** Called once the sixth digit is typed or pasted. */
  onComplete?: (code: string) => void;
  label?: string;
  disabled?: boolean;
  invalid?: boolean;
  autoFocus?: boolean;
  /** Changing this number moves focus back to the first box (after a wrong code). */
  focusKey?: number;
}

/** Six one-digit boxes (Input.OTP) for an authenticator or email code, with a visible label. */
export function CodeInput({ value, onChange, onComplete, label, disabled, invalid, autoFocus, focusKey }: CodeInputProps) {
  const { t } = useTranslation();
  const name = label ?? t('common.code_label');
  const labelId = useId();
  const otpRef = useRef<OTPRef>(null);
  const firstFocusKey = useRef(focusKey);

  useEffect(() => {
    if (focusKey !== firstFocusKey.current) otpRef.current?.focus();
  }, [focusKey]);

  const accept = (next: string) => {
    const code = digitsOnly(next).slice(0, CODE_LENGTH);
    onChange(code);
    if (code.length === CODE_LENGTH && code !== value) onComplete?.(code);
  };

  // A pasted "123 456" keeps all six digits instead of being cut at the space.
  const onPaste = (event: ClipboardEvent<HTMLDivElement>) => {
    const pasted = digitsOnly(event.clipboardData.getData('text'));
    if (!pasted) return;
    event.preventDefault();
    accept(pasted);
  };

  return (
    <div className="code-input" onPaste={onPaste}>
      <span id={labelId} className="field-label">
        {name}
      </span>
      <Input.OTP
        ref={otpRef}
        length={CODE_LENGTH}
        size="large"
        value={value}
        formatter={digitsOnly}
        inputMode="numeric"
        autoFocus={autoFocus}
        disabled={disabled}
        status={invalid ? 'error' : undefined}
        aria-label={name}
        aria-labelledby={labelId}
        onInput={(cells) => accept(cells.join(''))}
      />
    </div>
  );
}
