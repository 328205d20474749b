import { App, Avatar, Button, Dropdown, type MenuProps } from 'antd';
import { DownOutlined, LogoutOutlined, SettingOutlined } from '@ant-design/icons';
import { logOut } from '../endpoints';
import { describeProblem } from '../phrases';
import { navigate } from '../navigation';
import type { Account } from '../types';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
}

/** Header account menu: who is signed in, a shortcut to Settings, and "Log out". */
export function AccountMenu({ account, onSignedOut }: { account: Account; onSignedOut: () => void }) {
  const { message } = App.useApp();

  const signOut = async () => {
    try {
      await logOut();
      navigate('/');
      onSignedOut();
    } catch (failure) {
      void message.error(describeProblem(failure, 'log_out'));
    }
  };

  const items: MenuProps['items'] = [
    {
      key: 'who',
      type: 'group',
      label: (
        <span className="account-menu-who">
          <strong>{account.name}</strong>
          <br />
          {account.email}
        </span>
      ),
      children: [
        { key: 'settings', icon: <SettingOutlined />, label: 'Account settings' },
        { type: 'divider' },
        { key: 'logout', icon: <LogoutOutlined />, label: 'Log out' },
      ],
    },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'settings') navigate('/settings');
    if (key === 'logout') void signOut();
  };

  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight" autoFocus>
      <Button type="text" className="account-button">
        <span className="sr-only">Account menu:</span>
        <Avatar aria-hidden size={28} style={{ background: '#1d4ed8', fontSize: 13 }}>
          {initials(account.name)}
        </Avatar>
        <span className="account-name">{account.name}</span>
        <DownOutlined aria-hidden style={{ fontSize: 11 }} />
      </Button>
    </Dropdown>
  );
}
