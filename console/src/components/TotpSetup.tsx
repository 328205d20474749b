import { useState, type ReactNode } from 'react';
import { Button, QRCode, Typography } from 'antd';
import { CodeInput, CODE_LENGTH } from './CodeInput';
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
}

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

export function TotpSetup({ secret, otpauthUri, onVerify, error, disabled, submitLabel = 'Verify and Activate' }: TotpSetupProps) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [focusKey, setFocusKey] = useState(0);
  const label = keyLabelOf(otpauthUri);

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
            aria-label="QR code with your authenticator key"
          />
        </div>
        <SecretReveal secret={secret} />
        {label && (
          <Typography.Text type="secondary" className="totp-account">
            Account: {label.account} · Issuer: {label.issuer}
          </Typography.Text>
        )}
      </div>
      <div className="totp-steps">
        <ol>
          <li>
            <strong>1. Install Google Authenticator</strong>
            <Typography.Text type="secondary">Or any authenticator app that supports time-based codes.</Typography.Text>
          </li>
          <li>
            <strong>2. Scan the QR code</strong>
            <Typography.Text type="secondary">
              In the app, tap + and choose to scan a QR code. On this phone? <a href={otpauthUri}>Open in your authenticator app</a>
            </Typography.Text>
          </li>
          <li>
            <strong>3. Enter the 6-digit code</strong>
            <Typography.Text type="secondary">Type the code the app shows for Mini Program Platform.</Typography.Text>
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
          {submitLabel}
        </Button>
      </div>
    </form>
  );
}
