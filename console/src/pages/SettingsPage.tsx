import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Space, Tabs, Typography } from 'antd';
import { AccountTwoFactorCard } from '../components/AccountTwoFactorCard';
import { ChangePasswordCard } from '../components/ChangePasswordCard';
import { SecurityActivityCard } from '../components/SecurityActivityCard';
import { SignedInCard } from '../components/SignedInCard';
import { TenantActivityCard } from '../components/TenantActivityCard';
import { TenantPolicyCard } from '../components/TenantPolicyCard';
import { WebhooksCard } from '../components/WebhooksCard';
import { navigate } from '../navigation';
import type { NamedRef, Session } from '../types';

/** The super apps the account administers, the current workspace's first. */
function administeredSuperApps(session: Session): NamedRef[] {
  const current = session.workspace.superApp.id;
  return [...session.administeredSuperApps].sort((a, b) => Number(b.id === current) - Number(a.id === current));
}

/** Settings: the "Account" tab for everyone, the "Tenant" tab for admins of one or more super apps. */
export default function SettingsPage({
  session,
  path,
  onSessionChanged,
  onSignedOut,
}: {
  session: Session;
  path: string;
  onSessionChanged: () => void;
  /** This browser's own session was signed out from the list. */
  onSignedOut: () => void;
}) {
  const { t } = useTranslation();
  const superApps = administeredSuperApps(session);
  // Bumped when 2FA goes on or off, so the Password card asks for a code exactly when one is needed.
  const [twoFactorVersion, setTwoFactorVersion] = useState(0);
  const onTwoFactorChanged = useCallback(() => setTwoFactorVersion((version) => version + 1), []);
  const administersTenant = superApps.length > 0;
  const activeKey = administersTenant && path === '/settings/tenant' ? 'tenant' : 'account';
  const names = superApps.map((superApp) => superApp.name).join(t('account.settings.name_separator'));

  const items = [
    {
      key: 'account',
      label: t('account.settings.tab_account'),
      children: (
        <Space direction="vertical" size={24} style={{ width: '100%' }}>
          <AccountTwoFactorCard account={session.account} onStatusChanged={onTwoFactorChanged} />
          <ChangePasswordCard twoFactorVersion={twoFactorVersion} />
          <SignedInCard
            onSignedOut={() => {
              navigate('/');
              onSignedOut();
            }}
          />
          <SecurityActivityCard />
        </Space>
      ),
    },
    ...(administersTenant
      ? [
          {
            key: 'tenant',
            label: t('account.settings.tab_tenant'),
            children: (
              <Space direction="vertical" size={24} style={{ width: '100%' }}>
                {superApps.map((superApp) => (
                  <TenantPolicyCard
                    key={superApp.id}
                    superApp={superApp}
                    secondFactorVerified={session.secondFactorVerified}
                    onSessionChanged={onSessionChanged}
                  />
                ))}
                {superApps.map((superApp) => (
                  <TenantActivityCard
                    key={`activity-${superApp.id}`}
                    superApp={superApp}
                    workspaceId={session.workspaces.find((workspace) => workspace.superApp.id === superApp.id)?.id}
                  />
                ))}
                {superApps.map((superApp) => (
                  <WebhooksCard key={`webhooks-${superApp.id}`} superApp={superApp} secondFactorVerified={session.secondFactorVerified} />
                ))}
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Typography.Title level={1} className="page-title" style={{ fontSize: 24 }}>
        {t('account.settings.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="page-subtitle">
        {administersTenant ? t('account.settings.subtitle_tenant', { names }) : t('account.settings.subtitle')}
      </Typography.Paragraph>
      <Tabs activeKey={activeKey} items={items} destroyOnHidden onChange={(key) => navigate(key === 'tenant' ? '/settings/tenant' : '/settings')} />
    </>
  );
}
