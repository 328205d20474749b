import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Card, Input, Select, Space, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { ActivityList } from './ActivityList';
import { ACTIVITY_LABELS } from '../activity';
import { type ActivityFilter, fetchMembers, fetchSuperAppActivity, superAppActivityExportUrl } from '../endpoints';
import { useResource } from '../use-resource';
import type { AuditEventType, NamedRef } from '../types';

/** A date input's day as the instant it starts (local time), ISO; undefined when empty. */
function startOf(day: string, plusDays = 0): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  date.setDate(date.getDate() + plusDays);
  return date.toISOString();
}

/**
 * Settings → Tenant → "Security activity": the super app's events (policy changes and its
 * members' security events), filtered by type, member and dates, with CSV and JSON lines downloads.
 */
export function TenantActivityCard({ superApp, workspaceId }: { superApp: NamedRef; workspaceId: string | undefined }) {
  const { t } = useTranslation();
  const [type, setType] = useState<AuditEventType>();
  const [accountId, setAccountId] = useState<string>();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const members = useResource(() => (workspaceId ? fetchMembers(workspaceId) : Promise.resolve(undefined)), `activity-members:${workspaceId ?? ''}`);
  const names = new Map((members.data?.members ?? []).map((member) => [member.account.id, member.account.email]));
  // "To" includes its whole day.
  const filter: ActivityFilter = { type, accountId, since: startOf(from), until: startOf(to, 1) };
  const scope = JSON.stringify(filter);

  return (
    <Card title={<h2 className="card-title">{t('tenant.activity.title', { superApp: superApp.name })}</h2>}>
      <Space wrap style={{ marginBottom: 16 }} role="group" aria-label={t('tenant.activity.filter')}>
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder={t('tenant.activity.any_event')}
          aria-label={t('tenant.activity.event_type')}
          style={{ width: 260 }}
          value={type}
          onChange={(value?: AuditEventType) => setType(value)}
          options={(Object.keys(ACTIVITY_LABELS) as AuditEventType[]).map((value) => ({ value, label: ACTIVITY_LABELS[value] }))}
        />
        <Select
          allowClear
          showSearch
          placeholder={t('tenant.activity.any_member')}
          aria-label={t('tenant.activity.member')}
          style={{ width: 240 }}
          value={accountId}
          onChange={(value?: string) => setAccountId(value)}
          optionFilterProp="label"
          options={[...names].map(([value, label]) => ({ value, label }))}
        />
        <label>
          <Typography.Text type="secondary">{t('tenant.activity.from')} </Typography.Text>
          <Input type="date" aria-label={t('tenant.activity.from')} value={from} onChange={(event) => setFrom(event.target.value)} style={{ width: 160 }} />
        </label>
        <label>
          <Typography.Text type="secondary">{t('tenant.activity.to')} </Typography.Text>
          <Input type="date" aria-label={t('tenant.activity.to')} value={to} onChange={(event) => setTo(event.target.value)} style={{ width: 160 }} />
        </label>
        <Button icon={<DownloadOutlined />} href={superAppActivityExportUrl(superApp.id, filter, 'csv')} download>
          {t('tenant.activity.download_csv')}
        </Button>
        <Button icon={<DownloadOutlined />} href={superAppActivityExportUrl(superApp.id, filter, 'jsonl')} download>
          {t('tenant.activity.download_json')}
        </Button>
      </Space>
      <ActivityList
        load={(cursor) => fetchSuperAppActivity(superApp.id, filter, cursor)}
        scope={`${superApp.id}:${scope}`}
        who={(event) => (event.accountId ? (names.get(event.accountId) ?? t('tenant.activity.another_account')) : undefined)}
        label={t('tenant.activity.label', { superApp: superApp.name })}
      />
    </Card>
  );
}
