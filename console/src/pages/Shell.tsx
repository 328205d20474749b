import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Layout, Menu, Skeleton, Tooltip, Button } from 'antd';
import { AppstoreFilled, HomeOutlined, SettingOutlined, TeamOutlined } from '@ant-design/icons';
import { AccountMenu } from '../components/AccountMenu';
import { WorkspaceSwitcher } from '../components/WorkspaceSwitcher';
import { navigate, usePath } from '../navigation';
import { ReauthProvider } from '../reauth';
import type { Session } from '../types';
import { rememberWorkspace } from '../workspace-memory';

const OverviewPage = lazy(() => import('./OverviewPage'));
const SettingsPage = lazy(() => import('./SettingsPage'));
const MembersPage = lazy(() => import('./MembersPage'));

type PageKey = 'overview' | 'settings' | 'members';

/** Each page's name in the catalogue. */
const PAGE_TITLES = { overview: 'tenant.shell.overview', settings: 'tenant.shell.settings', members: 'tenant.shell.members' } as const satisfies Record<
  PageKey,
  string
>;

function pageFor(path: string): PageKey {
  if (path === '/settings' || path.startsWith('/settings/')) return 'settings';
  if (path === '/members') return 'members';
  return 'overview';
}

interface ShellProps {
  session: Session;
  onSignedOut: () => void;
  /** The session now belongs to another workspace or gained a super app: load it again. */
  onSessionChanged: () => void;
}

/** Signed-in frame: left navigation with Settings at the bottom, header with workspace and account menu. */
export function Shell({ session, onSignedOut, onSessionChanged }: ShellProps) {
  const { t } = useTranslation();
  const path = usePath();
  const page = pageFor(path);
  const [collapsed, setCollapsed] = useState(false);
  const isAdmin = session.workspace.role === 'admin';

  useEffect(() => {
    document.title = t('tenant.shell.page_title', { page: t(PAGE_TITLES[page]) });
  }, [page, t]);
  useEffect(() => rememberWorkspace(session.workspace.id), [session.workspace.id]);

  const navItems = [
    { key: '/', icon: <HomeOutlined />, label: t('tenant.shell.overview') },
    ...(isAdmin ? [{ key: '/members', icon: <TeamOutlined />, label: t('tenant.shell.members') }] : []),
  ];
  const selected = page === 'overview' ? ['/'] : page === 'members' ? ['/members'] : [];

  return (
    <ReauthProvider>
      <Layout style={{ minHeight: '100vh' }}>
        <a href="#main" className="skip-link">
          {t('tenant.shell.skip_to_content')}
        </a>
        <Layout.Sider width={248} collapsedWidth={72} breakpoint="lg" collapsed={collapsed} onBreakpoint={setCollapsed} className="shell-sider" theme="light">
          <div className="brand">
            <span className="brand-mark">
              <AppstoreFilled aria-hidden />
            </span>
            {!collapsed && <span>{t('common.product')}</span>}
          </div>
          <nav className="shell-nav" aria-label={t('tenant.shell.main_navigation')}>
            <Menu mode="inline" items={navItems} selectedKeys={selected} onClick={({ key }) => navigate(key)} />
          </nav>
          <div className="shell-sider-footer">
            <Tooltip title={t('tenant.shell.settings')} placement="right" trigger={['hover', 'focus']}>
              <Button
                type="text"
                size="large"
                aria-label={t('tenant.shell.settings')}
                icon={<SettingOutlined />}
                className={`settings-button${page === 'settings' ? ' active' : ''}`}
                aria-current={page === 'settings' ? 'page' : undefined}
                onClick={() => navigate('/settings')}
              />
            </Tooltip>
          </div>
        </Layout.Sider>
        <Layout>
          <Layout.Header className="shell-header">
            <WorkspaceSwitcher session={session} onSwitched={onSessionChanged} />
            <AccountMenu account={session.account} onSignedOut={onSignedOut} />
          </Layout.Header>
          <Layout.Content id="main" className="shell-content" tabIndex={-1}>
            <Suspense fallback={<Skeleton active paragraph={{ rows: 8 }} />}>
              {page === 'overview' && <OverviewPage session={session} />}
              {page === 'settings' && <SettingsPage session={session} path={path} onSessionChanged={onSessionChanged} onSignedOut={onSignedOut} />}
              {page === 'members' && <MembersPage session={session} onSessionChanged={onSessionChanged} />}
            </Suspense>
          </Layout.Content>
        </Layout>
      </Layout>
    </ReauthProvider>
  );
}
