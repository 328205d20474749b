import { lazy, Suspense, useCallback, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
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
function methodText(state: AccountTwoFactor, t: TFunction): string {
  const kinds = [
    ...(state.methods.includes('totp') ? [t('methods.totp')] : []),
    ...(state.passkeys.length > 0 ? [t('account.two_factor.passkey_count', { count: state.passkeys.length })] : []),
  ];
  return kinds.length > 0 ? kinds.join(' · ') : t('common.none');
}

function statusItems(state: AccountTwoFactor, t: TFunction) {
  const low = state.active && state.recoveryCodesRemaining <= 3;
  return [
    {
      key: 'status',
      label: t('account.two_factor.status'),
      children: state.active ? (
        <span>
          <StatusTag on onText={t('account.two_factor.activated')} />
          {state.activatedAt ? t('account.two_factor.activated_on', { date: formatDate(state.activatedAt) }) : ''}
        </span>
      ) : (
        <StatusTag on={false} offText={t('account.two_factor.not_activated')} />
      ),
    },
    { key: 'method', label: t('account.two_factor.method'), children: methodText(state, t) },
    ...(state.active
      ? [
          {
            key: 'codes',
            label: t('account.two_factor.codes_remaining'),
            children: (
              <span>
                {state.recoveryCodesRemaining}
                {low && <Typography.Text type="warning"> · {t('account.two_factor.codes_low')}</Typography.Text>}
              </span>
            ),
          },
        ]
      : []),
  ];
}

/** Settings → Account → "Two-Factor Authentication": status, Activate / Deactivate, recovery codes; `onStatusChanged` after 2FA went on or off. */
export function AccountTwoFactorCard({ account, onStatusChanged: onChangedOutside }: { account: Account; onStatusChanged?: () => void }) {
  const { t } = useTranslation();
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
      title: t('account.two_factor.remove_authenticator_title'),
      content: t('account.two_factor.remove_authenticator_content'),
      okText: t('account.common.remove'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await withReauth(removeAuthenticator);
          void message.success(t('account.two_factor.authenticator_removed'));
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
          {t('account.two_factor.title')}
        </h2>
      }
      extra={state && <StatusTag on={state.active} onText={t('account.two_factor.on')} offText={t('account.two_factor.off')} />}
    >
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        {t('account.two_factor.intro')}
      </Typography.Paragraph>
      {!!resource.error && !state && (
        <Alert
          type="error"
          showIcon
          message={describeProblem(resource.error, 'load_two_factor')}
          action={
            <Button size="small" onClick={resource.reload}>
              {t('common.try_again')}
            </Button>
          }
        />
      )}
      {!state && !resource.error && <Skeleton active paragraph={{ rows: 3 }} />}
      {state && (
        <>
          <Descriptions column={1} size="small" items={statusItems(state, t)} style={{ marginBottom: 16 }} />
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
                {state.active ? t('account.two_factor.add_authenticator') : t('account.common.activate')}
              </Button>
            )}
            {state.active && (
              <>
                <Button danger onClick={() => setDialog('deactivate')} disabled={!state.deactivation.allowed}>
                  {t('account.common.deactivate')}
                </Button>
                <Button onClick={() => setDialog('regenerate')}>{t('account.common.regenerate_codes')}</Button>
              </>
            )}
            {hasAuthenticator && state.passkeys.length > 0 && (
              <Button onClick={confirmRemoveAuthenticator}>{t('account.two_factor.remove_authenticator')}</Button>
            )}
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
