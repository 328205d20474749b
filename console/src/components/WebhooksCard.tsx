import { useState } from 'react';
import { Alert, Button, Card, Form, Input, List, Modal, Popconfirm, Select, Skeleton, Space, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { ApiError } from '../api';
import { ACTIVITY_LABELS } from '../activity';
import { createWebhook, deleteWebhook, fetchWebhookDeliveries, fetchWebhooks, sendWebhookTest } from '../endpoints';
import { useResource } from '../use-resource';
import type { AuditEventType, NamedRef, WebhookCreated, WebhookDelivery, WebhookView } from '../types';

/** Every user-visible string of the card, in one place for the translation catalogues. */
const TEXT = {
  title: 'Webhooks',
  intro: 'Send this super app’s audit events to your security team’s SIEM. Each request is signed (Standard Webhooks); verify it with the secret shown once.',
  add: 'Add webhook',
  addTitle: 'Add a webhook',
  url: 'URL',
  urlHelp: 'https:// address of the receiver',
  events: 'Events',
  eventsHelp: 'Audit events to send',
  allEvents: 'All events',
  create: 'Add',
  cancel: 'Cancel',
  none: 'No webhooks yet.',
  loadFailed: 'The webhooks could not be loaded.',
  retry: 'Try again',
  secretTitle: 'Copy the signing secret now',
  secretBody: 'This secret is shown only once. Store it where your receiver verifies signatures.',
  secretLabel: 'Signing secret',
  copy: 'Copy',
  copied: 'Copied',
  done: 'Done',
  test: 'Send test event',
  testQueued: 'A test event was queued.',
  remove: 'Delete',
  removeConfirm: 'Delete this webhook? Events are no longer sent to it.',
  deliveries: 'Recent deliveries',
  noDeliveries: 'No deliveries yet.',
  needsSecondFactor: 'Adding or deleting a webhook needs a second factor verified in this session.',
  columns: { event: 'Event', status: 'Status', attempts: 'Attempts', response: 'Last response', when: 'Last attempt' },
  status: { pending: 'Queued', delivered: 'Delivered', retrying: 'Retrying', refused: 'Refused (address not allowed)', failed: 'Failed' },
  deleteLabel: (url: string) => `Delete the webhook to ${url}`,
  testLabel: (url: string) => `Send test event to ${url}`,
} as const;

const EVENT_TYPES = Object.keys(ACTIVITY_LABELS) as AuditEventType[];

function problemText(error: unknown): string {
  return error instanceof ApiError ? (error.body.detail ?? error.message) : String(error);
}

function Deliveries({ superAppId, webhook }: { superAppId: string; webhook: WebhookView }) {
  const resource = useResource(() => fetchWebhookDeliveries(superAppId, webhook.id), `deliveries:${webhook.id}`);
  const rows = resource.data?.deliveries ?? [];
  if (resource.data && rows.length === 0) return <Typography.Paragraph>{TEXT.noDeliveries}</Typography.Paragraph>;
  return (
    <Table<WebhookDelivery>
      size="small"
      rowKey="id"
      loading={resource.loading}
      pagination={false}
      locale={{ emptyText: TEXT.noDeliveries }}
      dataSource={rows}
      caption={<Typography.Text strong>{TEXT.deliveries}</Typography.Text>}
      columns={[
        { title: TEXT.columns.event, dataIndex: 'eventType' },
        { title: TEXT.columns.status, dataIndex: 'status', render: (status: WebhookDelivery['status']) => TEXT.status[status] },
        { title: TEXT.columns.attempts, dataIndex: 'attempts' },
        { title: TEXT.columns.response, render: (_: unknown, row) => row.lastResponseStatus ?? row.lastError ?? '—' },
        { title: TEXT.columns.when, dataIndex: 'lastAttemptAt', render: (at: string | null) => (at ? new Date(at).toLocaleString() : '—') },
      ]}
    />
  );
}

/** Settings → Tenant → "Webhooks": the super app's webhooks, adding one (secret shown once), test events, deletion and the delivery log. */
export function WebhooksCard({ superApp, secondFactorVerified }: { superApp: NamedRef; secondFactorVerified: boolean }) {
  const resource = useResource(() => fetchWebhooks(superApp.id), `webhooks:${superApp.id}`);
  const [adding, setAdding] = useState(false);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['*']);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<WebhookCreated>();
  const [copied, setCopied] = useState(false);
  const [notice, setNotice] = useState<string>();
  const [logVersion, setLogVersion] = useState(0);

  const submit = async () => {
    setSaving(true);
    setError(undefined);
    try {
      setCreated(await createWebhook(superApp.id, url, events.includes('*') ? ['*'] : events));
      setAdding(false);
      setUrl('');
      setEvents(['*']);
      resource.reload();
    } catch (caught) {
      setError(problemText(caught));
    } finally {
      setSaving(false);
    }
  };
  const act = async (action: () => Promise<unknown>, done?: string) => {
    setNotice(undefined);
    try {
      await action();
      if (done) setNotice(done);
      resource.reload();
      setLogVersion((v) => v + 1);
    } catch (caught) {
      setNotice(problemText(caught));
    }
  };

  return (
    <Card
      title={<h2 className="card-title">{`${TEXT.title} · ${superApp.name}`}</h2>}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={!secondFactorVerified}>
          {TEXT.add}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        {TEXT.intro}
      </Typography.Paragraph>
      {!secondFactorVerified && <Alert type="info" showIcon message={TEXT.needsSecondFactor} style={{ marginBottom: 16 }} />}
      {notice && <Alert type="info" showIcon closable message={notice} onClose={() => setNotice(undefined)} style={{ marginBottom: 16 }} />}
      {!!resource.error && !resource.data && (
        <Alert
          type="error"
          showIcon
          message={TEXT.loadFailed}
          action={
            <Button size="small" onClick={resource.reload}>
              {TEXT.retry}
            </Button>
          }
        />
      )}
      {!resource.data && !resource.error && <Skeleton active paragraph={{ rows: 2 }} />}
      {resource.data && resource.data.webhooks.length === 0 && <Typography.Paragraph>{TEXT.none}</Typography.Paragraph>}
      {resource.data && resource.data.webhooks.length > 0 && (
        <List
          dataSource={resource.data.webhooks}
          renderItem={(webhook) => (
            <List.Item key={webhook.id}>
              <Space direction="vertical" style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text code>{webhook.url}</Typography.Text>
                  <Typography.Text type="secondary">
                    {webhook.events.includes('*') ? TEXT.allEvents : webhook.events.map((e) => ACTIVITY_LABELS[e as AuditEventType] ?? e).join(', ')}
                  </Typography.Text>
                </Space>
                <Space wrap>
                  <Button
                    size="small"
                    icon={<SendOutlined />}
                    aria-label={TEXT.testLabel(webhook.url)}
                    disabled={!secondFactorVerified}
                    onClick={() => void act(() => sendWebhookTest(superApp.id, webhook.id), TEXT.testQueued)}
                  >
                    {TEXT.test}
                  </Button>
                  <Popconfirm
                    title={TEXT.removeConfirm}
                    okText={TEXT.remove}
                    cancelText={TEXT.cancel}
                    onConfirm={() => act(() => deleteWebhook(superApp.id, webhook.id))}
                  >
                    <Button size="small" danger icon={<DeleteOutlined />} aria-label={TEXT.deleteLabel(webhook.url)} disabled={!secondFactorVerified}>
                      {TEXT.remove}
                    </Button>
                  </Popconfirm>
                </Space>
                <Deliveries key={`${webhook.id}:${logVersion}`} superAppId={superApp.id} webhook={webhook} />
              </Space>
            </List.Item>
          )}
        />
      )}
      <Modal
        open={adding}
        title={TEXT.addTitle}
        okText={TEXT.create}
        cancelText={TEXT.cancel}
        confirmLoading={saving}
        okButtonProps={{ disabled: url.trim() === '' || events.length === 0 }}
        onOk={() => void submit()}
        onCancel={() => setAdding(false)}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={() => void submit()}>
          <Form.Item label={TEXT.url} htmlFor="webhook-url" extra={TEXT.urlHelp}>
            <Input id="webhook-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" autoComplete="off" />
          </Form.Item>
          <Form.Item label={TEXT.events} htmlFor="webhook-events" extra={TEXT.eventsHelp}>
            <Select
              id="webhook-events"
              mode="multiple"
              aria-label={TEXT.events}
              value={events}
              onChange={(value: string[]) =>
                setEvents(value.length > 1 && value[value.length - 1] === '*' ? ['*'] : value.filter((v) => v !== '*' || value.length === 1))
              }
              options={[{ value: '*', label: TEXT.allEvents }, ...EVENT_TYPES.map((value) => ({ value, label: ACTIVITY_LABELS[value] }))]}
            />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} />}
        </Form>
      </Modal>
      <Modal
        open={!!created}
        title={TEXT.secretTitle}
        okText={TEXT.done}
        cancelButtonProps={{ style: { display: 'none' } }}
        onOk={() => {
          setCreated(undefined);
          setCopied(false);
        }}
        closable={false}
        destroyOnHidden
      >
        <Typography.Paragraph>{TEXT.secretBody}</Typography.Paragraph>
        <label htmlFor="webhook-secret">{TEXT.secretLabel}</label>
        <Space.Compact style={{ width: '100%' }}>
          <Input id="webhook-secret" readOnly value={created?.secret ?? ''} />
          <Button
            onClick={() => {
              void navigator.clipboard?.writeText(created?.secret ?? '').then(() => setCopied(true));
            }}
          >
            {copied ? TEXT.copied : TEXT.copy}
          </Button>
        </Space.Compact>
      </Modal>
    </Card>
  );
}
