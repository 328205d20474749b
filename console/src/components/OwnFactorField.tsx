import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Input, Switch, Typography } from 'antd';
import { CodeInput, CODE_LENGTH } from './CodeInput';
import { MethodChoice } from './MethodChoice';
import type { OwnFactorProof } from '../endpoints';
import { normalizeRecoveryCode, RECOVERY_CODE_PATTERN } from '../recovery-code';

/** The account's own factor kinds a password change or reset may take (recovery codes come with either). */
export type OwnFactorKind = 'webauthn' | 'totp';

interface OwnFactorFieldProps {
  /** What the account has: the choice among them shows when there are two; recovery codes always. */
  kinds: OwnFactorKind[];
  kind: OwnFactorKind;
  onKindChange: (kind: OwnFactorKind) => void;
  recovery: boolean;
  onRecoveryChange: (recovery: boolean) => void;
  code: string;
  onCodeChange: (code: string) => void;
  /** Changing it moves focus back to the code (after a wrong one). */
  focusKey?: number;
  disabled?: boolean;
  onSubmit?: () => void;
}

/** The proof the field's state makes, `{ method: 'webauthn' }` for a passkey (the browser signs on submit); undefined until complete. */
export function ownFactorProof(recovery: boolean, code: string, kind: OwnFactorKind = 'totp'): OwnFactorProof | { method: 'webauthn' } | undefined {
  if (recovery) {
    const normalized = normalizeRecoveryCode(code);
    return RECOVERY_CODE_PATTERN.test(normalized) ? { method: 'recovery_code', code: normalized } : undefined;
  }
  if (kind === 'webauthn') return { method: 'webauthn' };
  return code.length === CODE_LENGTH ? { method: 'totp', code } : undefined;
}

/** The kinds of `methods` (a reset link's, or GET /account/two-factor's), passkeys first; the authenticator when there are none. */
export function ownFactorKinds(methods: readonly string[] | undefined): OwnFactorKind[] {
  const kinds = (['webauthn', 'totp'] as const).filter((kind) => methods?.includes(kind));
  return kinds.length > 0 ? [...kinds] : ['totp'];
}

/**
 * The account's own second factor, for a password change or reset: six boxes for an
 * authenticator code, a passkey (signed on submit), or a recovery code after "Use a
 * recovery code instead" (an email code would come to the same mailbox as a reset link, so
 * it is never offered).
 */
export function OwnFactorField({
  kinds,
  kind,
  onKindChange,
  recovery,
  onRecoveryChange,
  code,
  onCodeChange,
  focusKey,
  disabled,
  onSubmit,
}: OwnFactorFieldProps) {
  const { t } = useTranslation();
  const switchId = useId();
  const recoveryId = useId();
  return (
    <div className="own-factor">
      {kinds.length > 1 && !recovery && <MethodChoice methods={kinds} value={kind} onChange={onKindChange} disabled={disabled} />}
      {!recovery && kind === 'webauthn' ? (
        <Typography.Paragraph type="secondary">{t('account.own_factor.passkey_hint')}</Typography.Paragraph>
      ) : recovery ? (
        <div className="field">
          <label className="field-label" htmlFor={recoveryId}>
            {t('methods.recovery_code')}
          </label>
          <Input
            id={recoveryId}
            key={focusKey}
            className="mono"
            placeholder={t('account.common.recovery_code_placeholder')}
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
        <CodeInput value={code} onChange={onCodeChange} focusKey={focusKey} disabled={disabled} label={t('account.common.totp_code_label')} />
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
        <label htmlFor={switchId}>{t('account.own_factor.use_recovery_code')}</label>
      </div>
    </div>
  );
}
