import { Card, Typography } from 'antd';
import { ActivityList } from './ActivityList';
import { fetchAccountActivity } from '../endpoints';

/** Settings → Account → "Security activity": the account's own security events, newest first, 20 a page. */
export function SecurityActivityCard() {
  return (
    <Card title={<h2 className="card-title">Security activity</h2>}>
      <Typography.Paragraph type="secondary">
        Sign-ins, codes and changes to how you sign in. If something here was not you, change your password.
      </Typography.Paragraph>
      <ActivityList load={(cursor) => fetchAccountActivity(cursor)} scope="account" label="Your security activity" />
    </Card>
  );
}
