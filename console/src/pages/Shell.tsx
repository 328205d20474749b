import { lazy, Suspense, useEffect, useState } from 'react';
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

const PAGE_TITLES: Record<PageKey, string> = { overview: 'Overview', settings: 'Settings', members: 'Members' };

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
  const path = usePath();
  const page = pageFor(path);
  const [collapsed, setCollapsed] = useState(false);
  const isAdmin = session.workspace.role === 'admin';

  useEffect(() => {
    document.title = `${PAGE_TITLES[page]} · Mini Program Platform`;
  }, [page]);
  useEffect(() => rememberWorkspace(session.workspace.id), [session.workspace.id]);

  const navItems = [
    { key: '/', icon: <HomeOutlined />, label: 'Overview' },
    ...(isAdmin ? [{ key: '/members', icon: <TeamOutlined />, label: 'Members' }] : []),
  ];
  const selected = page === 'overview' ? ['/'] : page === 'members' ? ['/members'] : [];

  return (
    <ReauthProvider>
      <Layout style={{ minHeight: '100vh' }}>
        <a href="#main" className="skip-link">
          Skip to content
        </a>
        <Layout.Sider width={248} collapsedWidth={72} breakpoint="lg" collapsed={collapsed} onBreakpoint={setCollapsed} className="shell-sider" theme="light">
          <div className="brand">
            <span className="brand-mark">
              <AppstoreFilled aria-hidden />
            </span>
            {!collapsed && <span>Mini Program Platform</span>}
          </div>
          <nav className="shell-nav" aria-label="Main">
            <Menu mode="inline" items={navItems} selectedKeys={selected} onClick={({ key }) => navigate(key)} />
          </nav>
          <div className="shell-sider-footer">
            <Tooltip title="Settings" placement="right" trigger={['hover', 'focus']}>
              <Button
                type="text"
                size="large"
                aria-label="Settings"
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
