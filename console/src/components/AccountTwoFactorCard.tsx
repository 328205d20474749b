import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import { Alert, Button, Card, Descriptions, Skeleton, Space, Typography } from 'antd';
import { StatusTag } from './StatusTag';
import { SuperAppPolicyList } from './SuperAppPolicyList';
import { fetchAccountTwoFactor } from '../endpoints';
import { focusIfLost } from '../focus';
import { formatDate } from '../labels';
import { describeProblem, phraseForProblem } from '../phrases';
import { useResource } from '../use-resource';
import type { Account, AccountTwoFactor } from '../types';

const ActivateDialog = lazy(() => import('./ActivateDialog'));
const DeactivateDialog = lazy(() => import('./DeactivateDialog'));
const RegenerateCodesDialog = lazy(() => import('./RegenerateCodesDialog'));

type Dialog = 'activate' | 'deactivate' | 'regenerate';

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
    { key: 'method', label: 'Method', children: state.method === 'totp' ? 'Authenticator app' : 'None' },
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
        Two-factor authentication asks for a code from your authenticator app after your password, so a leaked password alone cannot open your account.
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
            {state.active ? (
              <>
                <Button danger onClick={() => setDialog('deactivate')} disabled={!state.deactivation.allowed}>
                  Deactivate
                </Button>
                <Button onClick={() => setDialog('regenerate')}>Regenerate recovery codes</Button>
              </>
            ) : (
              <Button type="primary" onClick={() => setDialog('activate')}>
                Activate
              </Button>
            )}
          </Space>
          <SuperAppPolicyList policies={state.superAppPolicies} />
        </>
      )}
      <Suspense fallback={null}>
        {dialog === 'activate' && <ActivateDialog accountEmail={account.email} onChanged={onStatusChanged} onClosed={close} />}
        {dialog === 'deactivate' && <DeactivateDialog onChanged={onStatusChanged} onClosed={close} />}
        {dialog === 'regenerate' && <RegenerateCodesDialog accountEmail={account.email} onChanged={resource.reload} onClosed={close} />}
      </Suspense>
    </Card>
  );
}
