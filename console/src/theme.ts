import { theme, type ThemeConfig } from 'antd';

/** Brand blue: white text on it passes WCAG AA (contrast 6.7:1). */
export const BRAND_BLUE = '#1d4ed8';

/**
 * Ant Design tokens for the console. Secondary text and the error red are darkened from
 * the defaults so every text colour meets WCAG 2.1 AA contrast (4.5:1) on white.
 */
export const consoleTheme: ThemeConfig = {
  token: {
    colorPrimary: BRAND_BLUE,
    colorInfo: BRAND_BLUE,
    colorLink: BRAND_BLUE,
    // Hover and pressed shades go darker, not lighter, so text on them keeps its contrast.
    colorPrimaryHover: '#1e40af',
    colorPrimaryActive: '#1e3a8a',
    colorLinkHover: '#1e40af',
    colorLinkActive: '#1e3a8a',
    colorErrorHover: '#a8071a',
    colorErrorActive: '#820014',
    colorError: '#c41d28',
    colorSuccess: '#277a0e',
    colorWarning: '#a35c00',
    // Alert and tag backgrounds stay the standard light tints rather than ones derived from the darker seeds.
    colorWarningBg: '#fffbe6',
    colorWarningBorder: '#ffe58f',
    colorErrorBg: '#fff2f0',
    colorErrorBorder: '#ffccc7',
    colorSuccessBg: '#f6ffed',
    colorSuccessBorder: '#b7eb8f',
    colorInfoBg: '#eef3ff',
    colorInfoBorder: '#c7d6fb',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.5)',
    colorBgLayout: '#f4f6fb',
    borderRadius: 8,
    fontFamily: "Inter, -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif",
  },
  components: {
    Layout: { headerBg: '#ffffff', siderBg: '#ffffff', headerHeight: 60, headerPadding: '0 24px' },
    Menu: { itemBorderRadius: 8, itemMarginInline: 8, activeBarBorderWidth: 0 },
    Card: { headerFontSize: 16 },
  },
};

/** The account menu's theme choice: follow `prefers-color-scheme`, or a fixed one. */
export type ThemeChoice = 'system' | 'light' | 'dark';
const THEME_KEY = 'mpp.theme';

export function storedThemeChoice(): ThemeChoice {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function rememberThemeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_KEY);
    else localStorage.setItem(THEME_KEY, choice);
  } catch {
    // No storage: the choice lasts for this page.
  }
}

/**
 * The dark console: Ant Design's darkAlgorithm with the brand blue lightened so links and
 * primary text keep AA contrast on the dark surfaces; the light theme's fixed light tints are dropped.
 */
export function darkTheme(base: ThemeConfig): ThemeConfig {
  const token = { ...base.token };
  for (const name of [
    'colorWarningBg',
    'colorWarningBorder',
    'colorErrorBg',
    'colorErrorBorder',
    'colorSuccessBg',
    'colorSuccessBorder',
    'colorInfoBg',
    'colorInfoBorder',
    'colorTextTertiary',
    'colorTextDescription',
    'colorTextPlaceholder',
    'colorErrorHover',
    'colorErrorActive',
    'colorPrimaryHover',
    'colorPrimaryActive',
    'colorLinkHover',
    'colorLinkActive',
  ] as const)
    delete token[name];
  return {
    ...base,
    algorithm: theme.darkAlgorithm,
    token: {
      ...token,
      colorLink: '#7aa2ff',
      colorLinkHover: '#a3c0ff',
      colorLinkActive: '#a3c0ff',
      colorError: '#ff7875',
      colorSuccess: '#73d13d',
      colorWarning: '#ffc53d',
      colorTextTertiary: 'rgba(255, 255, 255, 0.65)',
      colorTextDescription: 'rgba(255, 255, 255, 0.65)',
      colorTextPlaceholder: 'rgba(255, 255, 255, 0.55)',
      colorBgLayout: '#0b1020',
    },
    components: {
      ...base.components,
      Layout: { ...base.components?.Layout, headerBg: '#141a2e', siderBg: '#141a2e' },
      // The selected page's and tab's name in light blue on a deep blue tint, not the brand blue on black (AA 4.5:1).
      Menu: { ...base.components?.Menu, itemSelectedColor: '#a3c0ff', itemSelectedBg: '#1c2b52' },
      Tabs: { itemSelectedColor: '#a3c0ff', itemHoverColor: '#a3c0ff', itemActiveColor: '#a3c0ff', inkBarColor: '#a3c0ff' },
    },
  };
}
