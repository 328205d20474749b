import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Card, Form, Input, List, Modal, Popconfirm, Select, Skeleton, Space, Table, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { ApiError } from '../api';
import { ACTIVITY_LABELS } from '../activity';
import { currentLanguage } from '../i18n';
import { createWebhook, deleteWebhook, fetchWebhookDeliveries, fetchWebhooks, sendWebhookTest } from '../endpoints';
import { useResource } from '../use-resource';
import type { AuditEventType, NamedRef, WebhookCreated, WebhookDelivery, WebhookView } from '../types';

const EVENT_TYPES = Object.keys(ACTIVITY_LABELS) as AuditEventType[];

/** "A, B, C" in English, "A、B、C" in Chinese. */
const listOf = (names: string[]): string => new Intl.ListFormat(currentLanguage(), { type: 'conjunction', style: 'narrow' }).format(names);

function problemText(error: unknown): string {
  return error instanceof ApiError ? (error.body.detail ?? error.message) : String(error);
}

function Deliveries({ superAppId, webhook }: { superAppId: string; webhook: WebhookView }) {
  const { t } = useTranslation();
  const resource = useResource(() => fetchWebhookDeliveries(superAppId, webhook.id), `deliveries:${webhook.id}`);
  const rows = resource.data?.deliveries ?? [];
  if (resource.data && rows.length === 0) return <Typography.Paragraph>{t('tenant.webhooks.no_deliveries')}</Typography.Paragraph>;
  return (
    <Table<WebhookDelivery>
      size="small"
      rowKey="id"
      loading={resource.loading}
      pagination={false}
      locale={{ emptyText: t('tenant.webhooks.no_deliveries') }}
      dataSource={rows}
      caption={<Typography.Text strong>{t('tenant.webhooks.deliveries')}</Typography.Text>}
      columns={[
        { title: t('tenant.webhooks.column_event'), dataIndex: 'eventType' },
        {
          title: t('tenant.webhooks.column_status'),
          dataIndex: 'status',
          render: (status: WebhookDelivery['status']) => t(`tenant.webhooks.status_${status}`),
        },
        { title: t('tenant.webhooks.column_attempts'), dataIndex: 'attempts' },
        { title: t('tenant.webhooks.column_response'), render: (_: unknown, row) => row.lastResponseStatus ?? row.lastError ?? '—' },
        { title: t('tenant.webhooks.column_when'), dataIndex: 'lastAttemptAt', render: (at: string | null) => (at ? new Date(at).toLocaleString() : '—') },
      ]}
    />
  );
}

/** Settings → Tenant → "Webhooks": the super app's webhooks, adding one (secret shown once), test events, deletion and the delivery log. */
export function WebhooksCard({ superApp, secondFactorVerified }: { superApp: NamedRef; secondFactorVerified: boolean }) {
  const { t } = useTranslation();
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
      title={<h2 className="card-title">{t('tenant.webhooks.title', { superApp: superApp.name })}</h2>}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={!secondFactorVerified}>
          {t('tenant.webhooks.add')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ maxWidth: 720 }}>
        {t('tenant.webhooks.intro')}
      </Typography.Paragraph>
      {!secondFactorVerified && <Alert type="info" showIcon message={t('tenant.webhooks.needs_second_factor')} style={{ marginBottom: 16 }} />}
      {notice && <Alert type="info" showIcon closable message={notice} onClose={() => setNotice(undefined)} style={{ marginBottom: 16 }} />}
      {!!resource.error && !resource.data && (
        <Alert
          type="error"
          showIcon
          message={t('tenant.webhooks.load_failed')}
          action={
            <Button size="small" onClick={resource.reload}>
              {t('common.try_again')}
            </Button>
          }
        />
      )}
      {!resource.data && !resource.error && <Skeleton active paragraph={{ rows: 2 }} />}
      {resource.data && resource.data.webhooks.length === 0 && <Typography.Paragraph>{t('tenant.webhooks.none')}</Typography.Paragraph>}
      {resource.data && resource.data.webhooks.length > 0 && (
        <List
          dataSource={resource.data.webhooks}
          renderItem={(webhook) => (
            <List.Item key={webhook.id}>
              <Space direction="vertical" style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text code>{webhook.url}</Typography.Text>
                  <Typography.Text type="secondary">
                    {webhook.events.includes('*')
                      ? t('tenant.webhooks.all_events')
                      : listOf(webhook.events.map((e) => ACTIVITY_LABELS[e as AuditEventType] ?? e))}
                  </Typography.Text>
                </Space>
                <Space wrap>
                  <Button
                    size="small"
                    icon={<SendOutlined />}
                    aria-label={t('tenant.webhooks.test_label', { url: webhook.url })}
                    disabled={!secondFactorVerified}
                    onClick={() => void act(() => sendWebhookTest(superApp.id, webhook.id), t('tenant.webhooks.test_queued'))}
                  >
                    {t('tenant.webhooks.test')}
                  </Button>
                  <Popconfirm
                    title={t('tenant.webhooks.remove_confirm')}
                    okText={t('tenant.webhooks.remove')}
                    cancelText={t('tenant.cancel')}
                    onConfirm={() => act(() => deleteWebhook(superApp.id, webhook.id))}
                  >
                    <Button
                      size="small"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t('tenant.webhooks.remove_label', { url: webhook.url })}
                      disabled={!secondFactorVerified}
                    >
                      {t('tenant.webhooks.remove')}
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
        title={t('tenant.webhooks.add_title')}
        okText={t('tenant.webhooks.create')}
        cancelText={t('tenant.cancel')}
        confirmLoading={saving}
        okButtonProps={{ disabled: url.trim() === '' || events.length === 0 }}
        onOk={() => void submit()}
        onCancel={() => setAdding(false)}
        destroyOnHidden
      >
        <Form layout="vertical" onFinish={() => void submit()}>
          <Form.Item label={t('tenant.webhooks.url')} htmlFor="webhook-url" extra={t('tenant.webhooks.url_help')}>
            <Input
              id="webhook-url"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              placeholder={t('tenant.webhooks.url_placeholder')}
              autoComplete="off"
            />
          </Form.Item>
          <Form.Item label={t('tenant.webhooks.events')} htmlFor="webhook-events" extra={t('tenant.webhooks.events_help')}>
            <Select
              id="webhook-events"
              mode="multiple"
              aria-label={t('tenant.webhooks.events')}
              value={events}
              onChange={(value: string[]) =>
                setEvents(value.length > 1 && value[value.length - 1] === '*' ? ['*'] : value.filter((v) => v !== '*' || value.length === 1))
              }
              options={[{ value: '*', label: t('tenant.webhooks.all_events') }, ...EVENT_TYPES.map((value) => ({ value, label: ACTIVITY_LABELS[value] }))]}
            />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} />}
        </Form>
      </Modal>
      <Modal
        open={!!created}
        title={t('tenant.webhooks.secret_title')}
        okText={t('tenant.webhooks.done')}
        cancelButtonProps={{ style: { display: 'none' } }}
        onOk={() => {
          setCreated(undefined);
          setCopied(false);
        }}
        closable={false}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('tenant.webhooks.secret_body')}</Typography.Paragraph>
        <label htmlFor="webhook-secret">{t('tenant.webhooks.secret_label')}</label>
        <Space.Compact style={{ width: '100%' }}>
          <Input id="webhook-secret" readOnly value={created?.secret ?? ''} />
          <Button
            onClick={() => {
              void navigator.clipboard?.writeText(created?.secret ?? '').then(() => setCopied(true));
            }}
          >
            {copied ? t('tenant.webhooks.copied') : t('tenant.webhooks.copy')}
          </Button>
        </Space.Compact>
      </Modal>
    </Card>
  );
}
