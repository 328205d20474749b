import { Alert, Card, Col, Row, Skeleton, Typography } from 'antd';
import { AppstoreOutlined, SafetyCertificateOutlined, TeamOutlined } from '@ant-design/icons';
import { RecentActivityNotice } from '../components/RecentActivityNotice';
import { StatusTag } from '../components/StatusTag';
import { fetchAccountTwoFactor } from '../endpoints';
import { formatDate } from '../labels';
import { useFocusOnMount } from '../focus';
import { describeProblem } from '../phrases';
import { linkClick } from '../navigation';
import { useResource } from '../use-resource';
import type { Session } from '../types';

/** Welcome page: the current workspace, its super app, and the account's 2FA status. */
export default function OverviewPage({ session }: { session: Session }) {
  const twoFactor = useResource(fetchAccountTwoFactor, 'account-two-factor');
  const { account, workspace } = session;
  const firstName = account.name.split(/\s+/)[0] || account.name;
  const requiring = twoFactor.data?.superAppPolicies.filter((policy) => policy.required) ?? [];
  // Arriving from the login page (its Done or Verify button is gone), focus starts at the heading.
  const heading = useFocusOnMount<HTMLHeadingElement>();

  return (
    <>
      <Typography.Title level={1} ref={heading} tabIndex={-1} className="page-title focus-target" style={{ fontSize: 24 }}>
        Welcome, {firstName}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="page-subtitle">
        You are working in the {workspace.name} workspace of {workspace.superApp.name}.
      </Typography.Paragraph>
      <RecentActivityNotice />
      <Row gutter={[20, 20]}>
        <Col xs={24} md={8}>
          <Card
            style={{ height: '100%' }}
            title={
              <span>
                <TeamOutlined aria-hidden /> Workspace
              </span>
            }
          >
            <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
              {workspace.name}
            </Typography.Title>
            <Typography.Text type="secondary">Your role: {workspace.role === 'admin' ? 'Admin' : 'Developer'}</Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card
            style={{ height: '100%' }}
            title={
              <span>
                <AppstoreOutlined aria-hidden /> Super app
              </span>
            }
          >
            <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
              {workspace.superApp.name}
            </Typography.Title>
            <Typography.Text type="secondary">Host app that runs this workspace's mini programs</Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card
            style={{ height: '100%' }}
            title={
              <span>
                <SafetyCertificateOutlined aria-hidden /> Two-factor authentication
              </span>
            }
          >
            {twoFactor.error ? (
              <Typography.Text type="danger">{describeProblem(twoFactor.error, 'load_two_factor')}</Typography.Text>
            ) : !twoFactor.data ? (
              <Skeleton active paragraph={{ rows: 1 }} title={false} />
            ) : (
              <>
                <StatusTag on={twoFactor.data.active} onText="Activated" offText="Not activated" />
                <Typography.Paragraph type="secondary" style={{ margin: '8px 0' }}>
                  {twoFactor.data.active
                    ? `Authenticator app since ${formatDate(twoFactor.data.activatedAt)}.`
                    : 'Protect your account with an authenticator app.'}
                </Typography.Paragraph>
                <a href="/settings" onClick={linkClick('/settings')}>
                  {twoFactor.data.active ? 'Manage in Settings' : 'Activate in Settings'}
                </a>
              </>
            )}
          </Card>
        </Col>
      </Row>
      {twoFactor.data && !twoFactor.data.active && requiring.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginTop: 20 }}
          message={`${requiring.map((policy) => policy.superApp.name).join(', ')} ${requiring.length === 1 ? 'requires' : 'require'} two-factor authentication when you log in.`}
          description="Until you activate your own authenticator app, you will be asked for the method your super app configured."
        />
      )}
    </>
  );
}
