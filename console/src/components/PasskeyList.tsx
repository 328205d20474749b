import { lazy, Suspense, useState } from 'react';
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
  const { message, modal } = App.useApp();
  const withReauth = useReauth();
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<PasskeyInfo>();

  const remove = (passkey: PasskeyInfo) => {
    if (lastFactorIsPasskey && passkeys.length === 1) {
      void modal.info({
        title: 'This is your last second factor',
        content: 'To remove it, deactivate two-factor authentication (or add another passkey or an authenticator app first).',
      });
      return;
    }
    void modal.confirm({
      title: `Remove "${passkey.name}"?`,
      content: 'It will no longer sign you in. Other browsers and devices signed in to your account are signed out.',
      okText: 'Remove',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await withReauth(() => removePasskey(passkey.id));
          void message.success(`"${passkey.name}" was removed.`);
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
        Passkeys and security keys
      </h3>
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        A passkey (on this device, your phone or a password manager) or a security key signs you in with your fingerprint, face, PIN or a touch, and cannot be
        used on a fake site.
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
                <Button key="rename" size="small" onClick={() => setRenaming(passkey)} aria-label={`Rename ${passkey.name}`}>
                  Rename
                </Button>,
                <Button key="remove" size="small" danger onClick={() => remove(passkey)} aria-label={`Remove ${passkey.name}`}>
                  Remove
                </Button>,
              ]}
            >
              <List.Item.Meta
                avatar={<KeyOutlined aria-hidden />}
                title={passkey.name}
                description={`Added ${formatDate(passkey.createdAt)} · ${passkey.lastUsedAt ? `last used ${formatDate(passkey.lastUsedAt)}` : 'not used yet'}`}
              />
            </List.Item>
          )}
        />
      )}
      <Button icon={<KeyOutlined />} onClick={() => setAdding(true)}>
        Add a passkey or security key
      </Button>
      <Suspense fallback={null}>
        {adding && <AddPasskeyDialog accountEmail={accountEmail} onAdded={(first) => onChanged(first)} onClosed={() => setAdding(false)} />}
      </Suspense>
      {renaming && <RenamePasskeyDialog passkey={renaming} onRenamed={() => onChanged(false)} onClosed={() => setRenaming(undefined)} />}
    </section>
  );
}

function RenamePasskeyDialog({ passkey, onRenamed, onClosed }: { passkey: PasskeyInfo; onRenamed: () => void; onClosed: () => void }) {
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
      title="Rename passkey"
      okText="Save"
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
            Name
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
