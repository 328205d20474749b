import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

/** Green/grey tag whose text colours meet WCAG AA contrast in both themes (styles.css `.status-tag-on`, `.status-tag-off`). */
export function StatusTag({ on, onText, offText }: { on: boolean; onText?: string; offText?: string }) {
  const { t } = useTranslation();
  return <Tag className={on ? 'status-tag-on' : 'status-tag-off'}>{on ? (onText ?? t('common.on')) : (offText ?? t('common.off'))}</Tag>;
}
