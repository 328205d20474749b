import { useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Alert, Button, QRCode, Typography } from 'antd';
import { CodeInput, CODE_LENGTH } from './CodeInput';
import { ExpiryCountdown } from './ExpiryCountdown';
import { SecretReveal } from './SecretReveal';

interface TotpSetupProps {
  secret: string;
  otpauthUri: string;
  /** Called with the six digits; resolves false when the code was wrong (the boxes clear). */
  onVerify: (code: string) => Promise<boolean>;
  /** Error text shown above the button. */
  error?: ReactNode;
  disabled?: boolean;
  submitLabel?: string;
  /** When the key stops working: a line counts down to it under the QR code. */
  expiresAt?: string;
  /**
   * Gets a new key once this one lapsed; with it, a lapsed key is replaced by a notice and this
   * way on. Without it the caller shows what follows the end (Activate's "This set-up expired",
   * the end of the sign-in attempt).
   */
  onRenew?: () => void;
}

/** Google Authenticator in the two app stores (step 1 names it). */
const APP_STORE_URL = 'https://apps.apple.com/app/google-authenticator/id388497605';
const GOOGLE_PLAY_URL = 'https://play.google.com/store/apps/details?id=com.google.android.apps.authenticator2';

/**
 * Authenticator set-up shared by Settings → Activate and sign-in enrolment: steps, the
 * key URI as a QR code, the readable key behind "Can't scan the QR code?", and the code.
 */
/** The account name and issuer an app shows for the key (what to type when adding it by hand), read from its key URI. */
function keyLabelOf(otpauthUri: string): { account: string; issuer: string } | undefined {
  try {
    const uri = new URL(otpauthUri);
    const path = decodeURIComponent(uri.pathname.replace(/^\/+/, ''));
    const issuer = uri.searchParams.get('issuer') ?? path.split(':')[0] ?? '';
    const account = path.includes(':') ? path.slice(path.indexOf(':') + 1) : path;
    return account ? { account, issuer } : undefined;
  } catch {
    return undefined;
  }
}

export function TotpSetup({ secret, otpauthUri, onVerify, error, disabled, submitLabel, expiresAt, onRenew }: TotpSetupProps) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [focusKey, setFocusKey] = useState(0);
  // The key whose end has come (by its expiry, so a new key starts afresh).
  const [lapsedAt, setLapsedAt] = useState<string>();
  const label = keyLabelOf(otpauthUri);

  if (onRenew && expiresAt !== undefined && lapsedAt === expiresAt) {
    return (
      <Alert
        type="warning"
        showIcon
        message={t('sign_in.totp_setup.expired_title')}
        description={
          <>
            <p style={{ margin: '0 0 12px' }}>{t('sign_in.totp_setup.expired_description')}</p>
            <Button type="primary" onClick={onRenew} autoFocus>
              {t('sign_in.totp_setup.get_new_key')}
            </Button>
          </>
        }
      />
    );
  }

  const submit = async (value = code) => {
    if (busy || disabled || value.length !== CODE_LENGTH) return;
    setBusy(true);
    const accepted = await onVerify(value).catch(() => false);
    setBusy(false);
    if (!accepted) {
      setCode('');
      setFocusKey((key) => key + 1);
    }
  };

  return (
    <form
      className="totp-setup"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="totp-qr-column">
        <div className="totp-qr" data-testid="totp-qr">
          <QRCode
            value={otpauthUri}
            size={208}
            errorLevel="M"
            color="#000000"
            bgColor="#ffffff"
            bordered={false}
            type="canvas"
            aria-label={t('sign_in.totp_setup.qr_label')}
          />
        </div>
        <SecretReveal secret={secret} />
        {label && (
          <Typography.Text type="secondary" className="totp-account">
            {t('sign_in.totp_setup.key_label', { account: label.account, issuer: label.issuer })}
          </Typography.Text>
        )}
        {expiresAt !== undefined && (
          <ExpiryCountdown
            key={expiresAt}
            expiresAt={expiresAt}
            text={(time) => t('sign_in.totp_setup.expires_in', { time })}
            soonText={t('sign_in.totp_setup.expires_soon')}
            onExpired={() => setLapsedAt(expiresAt)}
            className="totp-expiry"
          />
        )}
      </div>
      <div className="totp-steps">
        <ol>
          <li>
            <strong>{t('sign_in.totp_setup.install')}</strong>
            <Typography.Text type="secondary">{t('sign_in.totp_setup.install_hint')}</Typography.Text>
            <Typography.Text type="secondary" className="totp-store-links">
              <Trans
                i18nKey="sign_in.totp_setup.get_app"
                components={{
                  appstore: <a href={APP_STORE_URL} target="_blank" rel="noopener noreferrer" />,
                  googleplay: <a href={GOOGLE_PLAY_URL} target="_blank" rel="noopener noreferrer" />,
                }}
              />
            </Typography.Text>
          </li>
          <li>
            <strong>{t('sign_in.totp_setup.scan')}</strong>
            <Typography.Text type="secondary">
              <Trans i18nKey="sign_in.totp_setup.scan_hint" components={{ a: <a href={otpauthUri} /> }} />
            </Typography.Text>
          </li>
          <li>
            <strong>{t('sign_in.totp_setup.enter_code')}</strong>
            <Typography.Text type="secondary">{t('sign_in.totp_setup.enter_code_hint')}</Typography.Text>
          </li>
        </ol>
        <CodeInput
          value={code}
          onChange={setCode}
          onComplete={(value) => void submit(value)}
          disabled={disabled}
          invalid={!!error}
          focusKey={focusKey}
          autoFocus
        />
        {error && (
          <div role="alert" className="inline-error">
            {error}
          </div>
        )}
        <Button type="primary" htmlType="submit" size="large" block loading={busy} disabled={disabled || code.length !== CODE_LENGTH} style={{ marginTop: 16 }}>
          {submitLabel ?? t('sign_in.totp_setup.submit')}
        </Button>
      </div>
    </form>
  );
}
