import { lazy, Suspense, useState } from 'react';
import { Alert, Button, Card, Descriptions, Skeleton, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { StatusTag } from './StatusTag';
import { ActivateOwnTwoFactorNotice, isStepUpRefusal, StepUpNotice } from './StepUpNotice';
import { fetchTwoFactorPolicy } from '../endpoints';
import { METHOD_LABELS, yesNo } from '../labels';
import { describeProblem } from '../phrases';
import { useResource } from '../use-resource';
import type { NamedRef, TwoFactorPolicy } from '../types';

const PolicyEditDialog = lazy(() => import('./PolicyEditDialog'));

function policyItems(policy: TwoFactorPolicy) {
  return [
    { key: 'required', label: 'Required', children: <StatusTag on={policy.required} onText="Yes" offText="No" /> },
    { key: 'primary', label: 'Primary method', children: METHOD_LABELS[policy.primaryMethod] },
    { key: 'secondary', label: 'Secondary method', children: policy.secondaryMethod ? METHOD_LABELS[policy.secondaryMethod] : 'None' },
    { key: 'deactivation', label: 'Members may deactivate', children: yesNo(policy.allowDeactivation) },
    {
      key: 'remember-device',
      label: 'Remember a browser',
      children: policy.rememberDeviceDays > 0 ? `Up to ${policy.rememberDeviceDays} ${policy.rememberDeviceDays === 1 ? 'day' : 'days'}` : 'Never (always ask)',
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
      title={<h2 className="card-title">Two-Factor Authentication · {superApp.name}</h2>}
      extra={
        <Button
          icon={<EditOutlined />}
          onClick={() => setEditing(true)}
          disabled={!policy || !secondFactorVerified}
          aria-label={`Edit the policy of ${superApp.name}`}
        >
          Edit
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        Applies when members without their own authenticator app log in to workspaces of {superApp.name}. Members who activated two-factor authentication always
        use their authenticator app.
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
              Try again
            </Button>
          }
        />
      )}
      {!policy && !resource.error && <Skeleton active paragraph={{ rows: 4 }} />}
      {policy && <Descriptions column={1} size="small" items={[{ key: 'super-app', label: 'Super app', children: superApp.name }, ...policyItems(policy)]} />}
      <Suspense fallback={null}>
        {editing && policy && <PolicyEditDialog superApp={superApp} policy={policy} onSaved={resource.reload} onClosed={() => setEditing(false)} />}
      </Suspense>
    </Card>
  );
}
