import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const ON_STYLE = { color: '#135200', background: '#f0f9eb', borderColor: '#b7eb8f' };
const OFF_STYLE = { color: '#434343', background: '#f5f5f5', borderColor: '#d9d9d9' };

/** Green/grey tag whose text colours meet WCAG AA contrast. */
export function StatusTag({ on, onText, offText }: { on: boolean; onText?: string; offText?: string }) {
  const { t } = useTranslation();
  return <Tag style={on ? ON_STYLE : OFF_STYLE}>{on ? (onText ?? t('common.on')) : (offText ?? t('common.off'))}</Tag>;
}
