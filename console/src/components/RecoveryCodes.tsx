import { Fragment, useState } from 'react';
import { Alert, App, Button, Checkbox, Space } from 'antd';
import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { copyText, downloadText } from '../clipboard';

interface RecoveryCodesProps {
  codes: string[];
  accountEmail?: string;
  onDone: () => void;
  doneLabel?: string;
}

function recoveryCodesFile(codes: string[], accountEmail?: string): string {
  return [
    'Mini Program Platform recovery codes',
    accountEmail ? `Account: ${accountEmail}` : undefined,
    `Generated: ${new Date().toISOString()}`,
    '',
    'Each code signs you in once if you lose your authenticator app.',
    'Keep them somewhere safe; generating new codes invalidates these.',
    '',
    ...codes,
    '',
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

/** One-time recovery codes with Copy / Download and an "I have saved" check before Done. */
export function RecoveryCodes({ codes, accountEmail, onDone, doneLabel = 'Done' }: RecoveryCodesProps) {
  const { message } = App.useApp();
  const [saved, setSaved] = useState(false);

  const onCopy = async () => {
    if (await copyText(codes.join('\n'))) void message.success('Recovery codes copied');
    else void message.error('Copying failed; select the codes and copy them by hand.');
  };

  return (
    <div className="recovery-codes-view">
      <Alert
        type="warning"
        showIcon
        message="Save your recovery codes now"
        description="If you lose your phone, each code lets you sign in once. They will not be shown again."
      />
      <ul data-testid="recovery-codes" className="recovery-codes mono" aria-label="Recovery codes">
        {codes.map((code) => (
          <Fragment key={code}>
            <li>{code}</li>
            {'\n'}
          </Fragment>
        ))}
      </ul>
      <Space wrap>
        <Button icon={<CopyOutlined />} onClick={onCopy}>
          Copy
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => downloadText('mini-program-platform-recovery-codes.txt', recoveryCodesFile(codes, accountEmail))}>
          Download
        </Button>
      </Space>
      <div style={{ margin: '20px 0 16px' }}>
        <Checkbox checked={saved} onChange={(event) => setSaved(event.target.checked)}>
          I have saved my recovery codes
        </Checkbox>
      </div>
      <Button type="primary" size="large" block disabled={!saved} onClick={onDone}>
        {doneLabel}
      </Button>
    </div>
  );
}
