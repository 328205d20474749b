import { useState } from 'react';
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
    <Card title={<h2 className="card-title">{`Security activity · ${superApp.name}`}</h2>}>
      <Space wrap style={{ marginBottom: 16 }} role="group" aria-label="Filter the activity">
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          placeholder="Any event"
          aria-label="Event type"
          style={{ width: 260 }}
          value={type}
          onChange={(value?: AuditEventType) => setType(value)}
          options={(Object.keys(ACTIVITY_LABELS) as AuditEventType[]).map((value) => ({ value, label: ACTIVITY_LABELS[value] }))}
        />
        <Select
          allowClear
          showSearch
          placeholder="Any member"
          aria-label="Member"
          style={{ width: 240 }}
          value={accountId}
          onChange={(value?: string) => setAccountId(value)}
          optionFilterProp="label"
          options={[...names].map(([value, label]) => ({ value, label }))}
        />
        <label>
          <Typography.Text type="secondary">From </Typography.Text>
          <Input type="date" aria-label="From" value={from} onChange={(event) => setFrom(event.target.value)} style={{ width: 160 }} />
        </label>
        <label>
          <Typography.Text type="secondary">To </Typography.Text>
          <Input type="date" aria-label="To" value={to} onChange={(event) => setTo(event.target.value)} style={{ width: 160 }} />
        </label>
        <Button icon={<DownloadOutlined />} href={superAppActivityExportUrl(superApp.id, filter, 'csv')} download>
          Download CSV
        </Button>
        <Button icon={<DownloadOutlined />} href={superAppActivityExportUrl(superApp.id, filter, 'jsonl')} download>
          Download JSON
        </Button>
      </Space>
      <ActivityList
        load={(cursor) => fetchSuperAppActivity(superApp.id, filter, cursor)}
        scope={`${superApp.id}:${scope}`}
        who={(event) => (event.accountId ? (names.get(event.accountId) ?? 'another account') : undefined)}
        label={`Security activity of ${superApp.name}`}
      />
    </Card>
  );
}
