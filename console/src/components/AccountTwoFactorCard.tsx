import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Divider, Skeleton, Space, Typography } from 'antd';
import { PasskeyList } from './PasskeyList';
import { StatusTag } from './StatusTag';
import { SuperAppPolicyList } from './SuperAppPolicyList';
import { isApiError } from '../api';
import { fetchAccountTwoFactor, removeAuthenticator } from '../endpoints';
import { focusIfLost } from '../focus';
import { formatDate } from '../labels';
import { describeProblem, phraseForProblem } from '../phrases';
import { useReauth } from '../reauth';
import { useResource } from '../use-resource';
import type { Account, AccountTwoFactor } from '../types';

const ActivateDialog = lazy(() => import('./ActivateDialog'));
const DeactivateDialog = lazy(() => import('./DeactivateDialog'));
const RegenerateCodesDialog = lazy(() => import('./RegenerateCodesDialog'));

type Dialog = 'activate' | 'deactivate' | 'regenerate';

/** "Authenticator app", "2 passkeys or security keys", both, or "None". */
function methodText(state: AccountTwoFactor): string {
  const kinds = [
    ...(state.methods.includes('totp') ? ['Authenticator app'] : []),
    ...(state.passkeys.length === 1 ? ['1 passkey or security key'] : state.passkeys.length > 1 ? [`${state.passkeys.length} passkeys or security keys`] : []),
  ];
  return kinds.length > 0 ? kinds.join(' · ') : 'None';
}

function statusItems(state: AccountTwoFactor) {
  const low = state.active && state.recoveryCodesRemaining <= 3;
  return [
    {
      key: 'status',
      label: 'Status',
      children: state.active ? (
        <span>
          <StatusTag on onText="Activated" />
          {state.activatedAt ? `on ${formatDate(state.activatedAt)}` : ''}
        </span>
      ) : (
        <StatusTag on={false} offText="Not activated" />
      ),
    },
    { key: 'method', label: 'Method', children: methodText(state) },
    ...(state.active
      ? [
          {
            key: 'codes',
            label: 'Recovery codes remaining',
            children: (
              <span>
                {state.recoveryCodesRemaining}
                {low && <Typography.Text type="warning"> · running low, regenerate them</Typography.Text>}
              </span>
            ),
          },
        ]
      : []),
  ];
}

/** Settings → Account → "Two-Factor Authentication": status, Activate / Deactivate, recovery codes; `onStatusChanged` after 2FA went on or off. */
export function AccountTwoFactorCard({ account, onStatusChanged: onChangedOutside }: { account: Account; onStatusChanged?: () => void }) {
  const resource = useResource(fetchAccountTwoFactor, 'account-two-factor');
  const { message, modal } = App.useApp();
  const withReauth = useReauth();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const state = resource.data;
  const heading = useRef<HTMLHeadingElement>(null);
  const statusChanged = useRef(false);
  const { reload } = resource;
  // Stable: the dialogs start their request in an effect that depends on it.
  const onStatusChanged = useCallback(() => {
    statusChanged.current = true;
    reload();
    onChangedOutside?.();
  }, [reload, onChangedOutside]);
  const confirmRemoveAuthenticator = () =>
    void modal.confirm({
      title: 'Remove the authenticator app?',
      content: 'Its codes will no longer sign you in; your passkeys and recovery codes still do. Other browsers and devices are signed out.',
      okText: 'Remove',
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await withReauth(removeAuthenticator);
          void message.success('The authenticator app was removed.');
        } catch (failure) {
          if (isApiError(failure, 'reauthentication_cancelled')) return;
          void message.error(describeProblem(failure, 'remove_authenticator'));
        }
        reload();
      },
    });
  const hasAuthenticator = state?.methods.includes('totp') ?? false;

  // After 2FA went on or off the button that opened the dialog is another one (Activate became
  // Deactivate, or the reused element now reads so): the heading takes focus, as it does
  // whenever focus was lost to the body.
  const close = () => {
    setDialog(null);
    if (statusChanged.current) heading.current?.focus();
    else focusIfLost(heading.current);
    statusChanged.current = false;
  };

  return (
    <Card
      title={
        <h2 ref={heading} tabIndex={-1} className="card-title focus-target">
          Two-Factor Authentication
        </h2>
      }
      extra={state && <StatusTag on={state.active} onText="On" offText="Off" />}
    >
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        Two-factor authentication asks for a code from your authenticator app, or for a passkey or security key, after your password, so a leaked password alone
        cannot open your account.
      </Typography.Paragraph>
      {!!resource.error && !state && (
        <Alert
          type="error"
          showIcon
          message={describeProblem(resource.error, 'load_two_factor')}
          action={
            <Button size="small" onClick={resource.reload}>
              Try again
            </Button>
          }
        />
      )}
      {!state && !resource.error && <Skeleton active paragraph={{ rows: 3 }} />}
      {state && (
        <>
          <Descriptions column={1} size="small" items={statusItems(state)} style={{ marginBottom: 16 }} />
          {state.active && !state.deactivation.allowed && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              message={phraseForProblem('deactivation_not_allowed', { forbiddenBy: state.deactivation.forbiddenBy })}
            />
          )}
          <Space wrap>
            {!hasAuthenticator && (
              <Button type={state.active ? 'default' : 'primary'} onClick={() => setDialog('activate')}>
                {state.active ? 'Add authenticator app' : 'Activate'}
              </Button>
            )}
            {state.active && (
              <>
                <Button danger onClick={() => setDialog('deactivate')} disabled={!state.deactivation.allowed}>
                  Deactivate
                </Button>
                <Button onClick={() => setDialog('regenerate')}>Regenerate recovery codes</Button>
              </>
            )}
            {hasAuthenticator && state.passkeys.length > 0 && <Button onClick={confirmRemoveAuthenticator}>Remove authenticator app</Button>}
          </Space>
          <Divider />
          <PasskeyList
            accountEmail={account.email}
            passkeys={state.passkeys}
            lastFactorIsPasskey={!hasAuthenticator}
            onChanged={(first) => (first ? onStatusChanged() : reload())}
          />
          <SuperAppPolicyList policies={state.superAppPolicies} />
        </>
      )}
      <Suspense fallback={null}>
        {dialog === 'activate' && <ActivateDialog accountEmail={account.email} onChanged={onStatusChanged} onClosed={close} />}
        {dialog === 'deactivate' && state && <DeactivateDialog ownMethods={state.methods} onChanged={onStatusChanged} onClosed={close} />}
        {dialog === 'regenerate' && state && (
          <RegenerateCodesDialog accountEmail={account.email} ownMethods={state.methods} onChanged={resource.reload} onClosed={close} />
        )}
      </Suspense>
    </Card>
  );
}
