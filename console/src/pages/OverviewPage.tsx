import { useTranslation } from 'react-i18next';
import { Alert, Card, Col, Row, Skeleton, Typography } from 'antd';
import { AppstoreOutlined, SafetyCertificateOutlined, TeamOutlined } from '@ant-design/icons';
import { RecentActivityNotice } from '../components/RecentActivityNotice';
import { StatusTag } from '../components/StatusTag';
import { fetchAccountTwoFactor } from '../endpoints';
import { currentLanguage } from '../i18n';
import { formatDate } from '../labels';
import { useFocusOnMount } from '../focus';
import { describeProblem } from '../phrases';
import { linkClick } from '../navigation';
import { useResource } from '../use-resource';
import type { Session } from '../types';

/** "A, B, C" in English, "A、B、C" in Chinese. */
const listOf = (names: string[]): string => new Intl.ListFormat(currentLanguage(), { type: 'conjunction', style: 'narrow' }).format(names);

/** Welcome page: the current workspace, its super app, and the account's 2FA status. */
export default function OverviewPage({ session }: { session: Session }) {
  const { t } = useTranslation();
  const twoFactor = useResource(fetchAccountTwoFactor, 'account-two-factor');
  const { account, workspace } = session;
  const firstName = account.name.split(/\s+/)[0] || account.name;
  const requiring = twoFactor.data?.superAppPolicies.filter((policy) => policy.required) ?? [];
  // Arriving from the login page (its Done or Verify button is gone), focus starts at the heading.
  const heading = useFocusOnMount<HTMLHeadingElement>();

  return (
    <>
      <Typography.Title level={1} ref={heading} tabIndex={-1} className="page-title focus-target" style={{ fontSize: 24 }}>
        {t('tenant.overview.welcome', { name: firstName })}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="page-subtitle">
        {t('tenant.overview.working_in', { workspace: workspace.name, superApp: workspace.superApp.name })}
      </Typography.Paragraph>
      <RecentActivityNotice />
      <Row gutter={[20, 20]}>
        <Col xs={24} md={8}>
          <Card
            style={{ height: '100%' }}
            title={
              <span>
                <TeamOutlined aria-hidden /> {t('tenant.overview.workspace')}
              </span>
            }
          >
            <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
              {workspace.name}
            </Typography.Title>
            <Typography.Text type="secondary">
              {t('tenant.overview.your_role', { role: t(workspace.role === 'admin' ? 'tenant.role.admin' : 'tenant.role.developer') })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card
            style={{ height: '100%' }}
            title={
              <span>
                <AppstoreOutlined aria-hidden /> {t('tenant.overview.super_app')}
              </span>
            }
          >
            <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
              {workspace.superApp.name}
            </Typography.Title>
            <Typography.Text type="secondary">{t('tenant.overview.super_app_help')}</Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card
            style={{ height: '100%' }}
            title={
              <span>
                <SafetyCertificateOutlined aria-hidden /> {t('tenant.overview.two_factor')}
              </span>
            }
          >
            {twoFactor.error ? (
              <Typography.Text type="danger">{describeProblem(twoFactor.error, 'load_two_factor')}</Typography.Text>
            ) : !twoFactor.data ? (
              <Skeleton active paragraph={{ rows: 1 }} title={false} />
            ) : (
              <>
                <StatusTag on={twoFactor.data.active} onText={t('tenant.overview.activated')} offText={t('tenant.overview.not_activated')} />
                <Typography.Paragraph type="secondary" style={{ margin: '8px 0' }}>
                  {twoFactor.data.active ? t('tenant.overview.active_since', { date: formatDate(twoFactor.data.activatedAt) }) : t('tenant.overview.protect')}
                </Typography.Paragraph>
                <a href="/settings" onClick={linkClick('/settings')}>
                  {twoFactor.data.active ? t('tenant.overview.manage') : t('tenant.overview.activate')}
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
          message={t('tenant.overview.required_by', { count: requiring.length, superApps: listOf(requiring.map((policy) => policy.superApp.name)) })}
          description={t('tenant.overview.required_by_description')}
        />
      )}
    </>
  );
}
