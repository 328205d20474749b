import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card, Descriptions, Skeleton, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { StatusTag } from './StatusTag';
import { ActivateOwnTwoFactorNotice, isStepUpRefusal, StepUpNotice } from './StepUpNotice';
import { fetchTwoFactorPolicy } from '../endpoints';
import { t as translate } from '../i18n';
import { METHOD_LABELS, yesNo } from '../labels';
import { describeProblem } from '../phrases';
import { useResource } from '../use-resource';
import type { NamedRef, TwoFactorPolicy } from '../types';

const PolicyEditDialog = lazy(() => import('./PolicyEditDialog'));

function policyItems(policy: TwoFactorPolicy) {
  return [
    {
      key: 'required',
      label: translate('tenant.policy.required'),
      children: <StatusTag on={policy.required} onText={translate('common.yes')} offText={translate('common.no')} />,
    },
    { key: 'primary', label: translate('tenant.policy.primary_method'), children: METHOD_LABELS[policy.primaryMethod] },
    {
      key: 'secondary',
      label: translate('tenant.policy.secondary_method'),
      children: policy.secondaryMethod ? METHOD_LABELS[policy.secondaryMethod] : translate('common.none'),
    },
    { key: 'deactivation', label: translate('tenant.policy.members_may_deactivate'), children: yesNo(policy.allowDeactivation) },
    {
      key: 'remember-device',
      label: translate('tenant.policy.remember_browser'),
      children:
        policy.rememberDeviceDays > 0
          ? translate('tenant.policy.remember_up_to', { count: policy.rememberDeviceDays })
          : translate('tenant.policy.remember_never'),
    },
  ];
}

/** Settings → Tenant → "Two-Factor Authentication": the super app's policy and its Edit dialog. */
interface TenantPolicyCardProps {
  superApp: NamedRef;
  /** Whether this session passed a second factor: admin actions need it. */
  secondFactorVerified: boolean;
  onSessionChanged: () => void;
}

export function TenantPolicyCard({ superApp, secondFactorVerified, onSessionChanged }: TenantPolicyCardProps) {
  const { t } = useTranslation();
  const resource = useResource(() => fetchTwoFactorPolicy(superApp.id), `policy:${superApp.id}`);
  const [editing, setEditing] = useState(false);
  const policy = resource.data;
  const refused = !!resource.error && !policy && isStepUpRefusal(resource.error);
  const verified = () => {
    resource.reload();
    onSessionChanged();
  };

  return (
    <Card
      title={<h2 className="card-title">{t('tenant.policy.title', { superApp: superApp.name })}</h2>}
      extra={
        <Button
          icon={<EditOutlined />}
          onClick={() => setEditing(true)}
          disabled={!policy || !secondFactorVerified}
          aria-label={t('tenant.policy.edit_label', { superApp: superApp.name })}
        >
          {t('tenant.policy.edit')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        {t('tenant.policy.intro', { superApp: superApp.name })}
      </Typography.Paragraph>
      {refused && <StepUpNotice error={resource.error} superApp={superApp} onVerified={verified} />}
      {policy && !secondFactorVerified && <ActivateOwnTwoFactorNotice />}
      {!!resource.error && !policy && !refused && (
        <Alert
          type="error"
          showIcon
          message={describeProblem(resource.error, 'load_policy')}
          action={
            <Button size="small" onClick={resource.reload}>
              {t('common.try_again')}
            </Button>
          }
        />
      )}
      {!policy && !resource.error && <Skeleton active paragraph={{ rows: 4 }} />}
      {policy && (
        <Descriptions
          column={1}
          size="small"
          items={[{ key: 'super-app', label: t('tenant.policy.super_app'), children: superApp.name }, ...policyItems(policy)]}
        />
      )}
      <Suspense fallback={null}>
        {editing && policy && <PolicyEditDialog superApp={superApp} policy={policy} onSaved={resource.reload} onClosed={() => setEditing(false)} />}
      </Suspense>
    </Card>
  );
}
