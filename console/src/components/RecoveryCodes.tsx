import { Fragment, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Checkbox, Space } from 'antd';
import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { copyText, downloadText } from '../clipboard';

interface RecoveryCodesProps {
  codes: string[];
  accountEmail?: string;
  onDone: () => void;
  doneLabel?: string;
}

function recoveryCodesFile(t: TFunction, codes: string[], accountEmail?: string): string {
  return [
    t('sign_in.recovery_codes.file_title'),
    accountEmail ? t('sign_in.recovery_codes.file_account', { email: accountEmail }) : undefined,
    t('sign_in.recovery_codes.file_generated', { time: new Date().toISOString() }),
    '',
    t('sign_in.recovery_codes.file_use'),
    t('sign_in.recovery_codes.file_keep'),
    '',
    ...codes,
    '',
  ]
    .filter((line) => line !== undefined)
    .join('\n');
}

/** One-time recovery codes with Copy / Download and an "I have saved" check before Done. */
export function RecoveryCodes({ codes, accountEmail, onDone, doneLabel }: RecoveryCodesProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [saved, setSaved] = useState(false);

  const onCopy = async () => {
    if (await copyText(codes.join('\n'))) void message.success(t('sign_in.recovery_codes.copied'));
    else void message.error(t('sign_in.recovery_codes.copy_failed'));
  };

  return (
    <div className="recovery-codes-view">
      <Alert type="warning" showIcon message={t('sign_in.recovery_codes.title')} description={t('sign_in.recovery_codes.description')} />
      <ul data-testid="recovery-codes" className="recovery-codes mono" aria-label={t('sign_in.recovery_codes.list_label')}>
        {codes.map((code) => (
          <Fragment key={code}>
            <li>{code}</li>
            {'\n'}
          </Fragment>
        ))}
      </ul>
      <Space wrap>
        <Button icon={<CopyOutlined />} onClick={onCopy}>
          {t('sign_in.copy')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => downloadText('mini-program-platform-recovery-codes.txt', recoveryCodesFile(t, codes, accountEmail))}>
          {t('sign_in.recovery_codes.download')}
        </Button>
      </Space>
      <div style={{ margin: '20px 0 16px' }}>
        <Checkbox checked={saved} onChange={(event) => setSaved(event.target.checked)}>
          {t('sign_in.recovery_codes.saved')}
        </Checkbox>
      </div>
      <Button type="primary" size="large" block disabled={!saved} onClick={onDone}>
        {doneLabel ?? t('sign_in.recovery_codes.done')}
      </Button>
    </div>
  );
}
