import { App, Avatar, Button, Dropdown, type MenuProps } from 'antd';
import { BgColorsOutlined, DownOutlined, GlobalOutlined, LogoutOutlined, SettingOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, type Language } from '../i18n';
import { usePreferences } from '../preferences';
import type { ThemeChoice } from '../theme';
import { logOut } from '../endpoints';
import { describeProblem } from '../phrases';
import { navigate } from '../navigation';
import type { Account } from '../types';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
}

/** Each language named in itself, so a reader finds theirs whatever the console's language. */
const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', 'zh-CN': '简体中文' };
const THEMES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

/** Header account menu: who is signed in, a shortcut to Settings, the language and theme, and "Log out". */
export function AccountMenu({ account, onSignedOut }: { account: Account; onSignedOut: () => void }) {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const preferences = usePreferences();

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
        { key: 'settings', icon: <SettingOutlined />, label: t('account_menu.settings') },
        {
          key: 'language',
          icon: <GlobalOutlined />,
          label: t('account_menu.language'),
          children: LANGUAGES.map((language) => ({
            key: `language:${language}`,
            label: (
              <span lang={language} aria-current={preferences.language === language ? 'true' : undefined}>
                {LANGUAGE_NAMES[language]}
                {preferences.language === language ? ' ✓' : ''}
              </span>
            ),
          })),
        },
        {
          key: 'theme',
          icon: <BgColorsOutlined />,
          label: t('account_menu.theme'),
          children: THEMES.map((choice) => ({
            key: `theme:${choice}`,
            label: (
              <span aria-current={preferences.theme === choice ? 'true' : undefined}>
                {t(`account_menu.theme_${choice}`)}
                {preferences.theme === choice ? ' ✓' : ''}
              </span>
            ),
          })),
        },
        { type: 'divider' },
        { key: 'logout', icon: <LogoutOutlined />, label: t('account_menu.log_out') },
      ],
    },
  ];
  const onClick: MenuProps['onClick'] = ({ key }) => {
    if (key === 'settings') navigate('/settings');
    if (key === 'logout') void signOut();
    if (key.startsWith('language:')) preferences.chooseLanguage(key.slice('language:'.length) as Language, true);
    if (key.startsWith('theme:')) preferences.chooseTheme(key.slice('theme:'.length) as ThemeChoice);
  };

  return (
    <Dropdown menu={{ items, onClick }} trigger={['click']} placement="bottomRight" autoFocus>
      <Button type="text" className="account-button">
        <span className="sr-only">{t('account_menu.label')}</span>
        <Avatar aria-hidden size={28} style={{ background: '#1d4ed8', fontSize: 13 }}>
          {initials(account.name)}
        </Avatar>
        <span className="account-name">{account.name}</span>
        <DownOutlined aria-hidden style={{ fontSize: 11 }} />
      </Button>
    </Dropdown>
  );
}
