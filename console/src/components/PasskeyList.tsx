import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Input, List, Modal, Space, Typography } from 'antd';
import { KeyOutlined } from '@ant-design/icons';
import { isApiError } from '../api';
import { removePasskey, renamePasskey } from '../endpoints';
import { formatDate } from '../labels';
import { describeProblem } from '../phrases';
import { useReauth } from '../reauth';
import type { PasskeyInfo } from '../types';

const AddPasskeyDialog = lazy(() => import('./AddPasskeyDialog'));

interface PasskeyListProps {
  accountEmail: string;
  passkeys: PasskeyInfo[];
  /** True when removing one would leave the account without any second factor. */
  lastFactorIsPasskey: boolean;
  /** After a passkey was added, renamed or removed; `factorsChanged` when 2FA went on (the first factor). */
  onChanged: (factorsChanged: boolean) => void;
}

/**
 * Settings → Two-Factor Authentication → "Passkeys and security keys": the account's
 * passkeys with when they were added and last used; add, rename, remove. The last second
 * factor is not removed here: that is a deactivation, with its own rules.
 */
export function PasskeyList({ accountEmail, passkeys, lastFactorIsPasskey, onChanged }: PasskeyListProps) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const withReauth = useReauth();
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<PasskeyInfo>();

  const remove = (passkey: PasskeyInfo) => {
    if (lastFactorIsPasskey && passkeys.length === 1) {
      void modal.info({
        title: t('account.passkeys.last_factor_title'),
        content: t('account.passkeys.last_factor_content'),
      });
      return;
    }
    void modal.confirm({
      title: t('account.passkeys.remove_title', { name: passkey.name }),
      content: t('account.passkeys.remove_content'),
      okText: t('account.common.remove'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await withReauth(() => removePasskey(passkey.id));
          void message.success(t('account.passkeys.removed', { name: passkey.name }));
          onChanged(false);
        } catch (failure) {
          if (isApiError(failure, 'reauthentication_cancelled')) return;
          void message.error(describeProblem(failure, 'remove_passkey'));
          if (isApiError(failure, 'not_found', 'last_second_factor')) onChanged(false);
        }
      },
    });
  };

  return (
    <section className="passkeys" aria-labelledby="passkeys-title">
      <h3 id="passkeys-title" className="dialog-section-title">
        {t('account.passkeys.title')}
      </h3>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        {t('account.passkeys.intro')}
      </Typography.Paragraph>
      {passkeys.length > 0 && (
        <List
          size="small"
          bordered
          style={{ marginBottom: 16, maxWidth: 720 }}
          dataSource={passkeys}
          renderItem={(passkey) => (
            <List.Item
              actions={[
                <Button key="rename" size="small" onClick={() => setRenaming(passkey)} aria-label={t('account.passkeys.rename_label', { name: passkey.name })}>
                  {t('account.passkeys.rename')}
                </Button>,
                <Button
                  key="remove"
                  size="small"
                  danger
                  onClick={() => remove(passkey)}
                  aria-label={t('account.passkeys.remove_label', { name: passkey.name })}
                >
                  {t('account.common.remove')}
                </Button>,
              ]}
            >
              <List.Item.Meta
                avatar={<KeyOutlined aria-hidden />}
                title={passkey.name}
                description={
                  passkey.lastUsedAt
                    ? t('account.passkeys.added_used', { added: formatDate(passkey.createdAt), used: formatDate(passkey.lastUsedAt) })
                    : t('account.passkeys.added_unused', { added: formatDate(passkey.createdAt) })
                }
              />
            </List.Item>
          )}
        />
      )}
      <Button icon={<KeyOutlined />} onClick={() => setAdding(true)}>
        {t('methods.webauthn_enrollment')}
      </Button>
      <Suspense fallback={null}>
        {adding && <AddPasskeyDialog accountEmail={accountEmail} onAdded={(first) => onChanged(first)} onClosed={() => setAdding(false)} />}
      </Suspense>
      {renaming && <RenamePasskeyDialog passkey={renaming} onRenamed={() => onChanged(false)} onClosed={() => setRenaming(undefined)} />}
    </section>
  );
}

function RenamePasskeyDialog({ passkey, onRenamed, onClosed }: { passkey: PasskeyInfo; onRenamed: () => void; onClosed: () => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(true);
  const [name, setName] = useState(passkey.name);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const ready = name.trim().length > 0 && name.trim() !== passkey.name;

  const save = async () => {
    if (!ready || busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await renamePasskey(passkey.id, name.trim());
      onRenamed();
      setOpen(false);
    } catch (failure) {
      setError(describeProblem(failure, 'rename_passkey'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('account.passkeys.rename_title')}
      okText={t('account.passkeys.save')}
      onOk={() => void save()}
      okButtonProps={{ disabled: !ready }}
      confirmLoading={busy}
      onCancel={() => setOpen(false)}
      afterClose={onClosed}
      destroyOnHidden
      width={440}
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <div className="field">
          <label className="field-label" htmlFor="passkey-new-name">
            {t('account.common.name')}
          </label>
          <Input
            id="passkey-new-name"
            autoFocus
            maxLength={64}
            value={name}
            onChange={(event) => setName(event.target.value)}
            onPressEnter={() => void save()}
          />
        </div>
        {error && <Alert type="error" showIcon message={error} />}
      </Space>
    </Modal>
  );
}
