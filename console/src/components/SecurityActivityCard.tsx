import { useTranslation } from 'react-i18next';
import { Card, Typography } from 'antd';
import { ActivityList } from './ActivityList';
import { fetchAccountActivity } from '../endpoints';

/** Settings → Account → "Security activity": the account's own security events, newest first, 20 a page. */
export function SecurityActivityCard() {
  const { t } = useTranslation();
  return (
    <Card title={<h2 className="card-title">{t('account.security_activity.title')}</h2>}>
      <Typography.Paragraph type="secondary">{t('account.security_activity.intro')}</Typography.Paragraph>
      <ActivityList load={(cursor) => fetchAccountActivity(cursor)} scope="account" label={t('account.security_activity.list_label')} />
    </Card>
  );
}
