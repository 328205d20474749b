import { Tabs, Typography } from 'antd';
import { AccountTwoFactorCard } from '../components/AccountTwoFactorCard';
import { TenantPolicyCard } from '../components/TenantPolicyCard';
import { navigate } from '../navigation';
import type { Session } from '../types';

/** Settings: the "Account" tab for everyone, the "Tenant" tab for admins of the workspace's super app. */
export default function SettingsPage({ session, path }: { session: Session; path: string }) {
  const superApp = session.workspace.superApp;
  const administersTenant = (session.administeredSuperApps ?? []).some((candidate) => candidate.id === superApp.id);
  const activeKey = administersTenant && path === '/settings/tenant' ? 'tenant' : 'account';

  const items = [
    { key: 'account', label: 'Account', children: <AccountTwoFactorCard account={session.account} /> },
    ...(administersTenant
      ? [{ key: 'tenant', label: 'Tenant', children: <TenantPolicyCard superApp={superApp} /> }]
      : []),
  ];

  return (
    <>
      <Typography.Title level={1} className="page-title" style={{ fontSize: 24 }}>Settings</Typography.Title>
      <Typography.Paragraph type="secondary" className="page-subtitle">
        Manage how you sign in{administersTenant ? ` and how members of ${superApp.name} sign in` : ''}.
      </Typography.Paragraph>
      <Tabs activeKey={activeKey} items={items} destroyOnHidden
        onChange={(key) => navigate(key === 'tenant' ? '/settings/tenant' : '/settings')} />
    </>
  );
}
