import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, Empty, List, Skeleton, Typography } from 'antd';
import { describeActivity } from '../activity';
import { formatDateTime } from '../labels';
import { describeProblem } from '../phrases';
import { describeUserAgent } from '../user-agent';
import type { AuditEvent, AuditEventPage } from '../types';

/**
 * Pages of security events, newest first: the first page on mount (and when `scope` changes),
 * "Show older" for the next. Each row: what happened in words, when, the browser and address,
 * and (`who`) whose account it was about.
 */
export function ActivityList({
  load,
  scope,
  who,
  label,
}: {
  load: (cursor?: string) => Promise<AuditEventPage>;
  /** Names what `load` fetches (its filters): a change starts again from the newest page. */
  scope: string;
  who?: (event: AuditEvent) => string | undefined;
  label: string;
}) {
  const { t } = useTranslation();
  const [events, setEvents] = useState<AuditEvent[]>();
  const [next, setNext] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const fetchPage = useCallback(
    async (cursor?: string) => {
      setBusy(true);
      setError(undefined);
      try {
        const page = await load(cursor);
        setEvents((shown) => (cursor ? [...(shown ?? []), ...page.events] : page.events));
        setNext(page.nextCursor);
      } catch (failure) {
        setError(failure);
      } finally {
        setBusy(false);
      }
    },
    // `load` is recreated each render; `scope` names what it fetches.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [scope],
  );

  useEffect(() => {
    setEvents(undefined);
    void fetchPage();
  }, [fetchPage]);

  if (!events && !error) return <Skeleton active paragraph={{ rows: 3 }} />;
  return (
    <>
      {!!error && (
        <Alert
          type="error"
          showIcon
          role="alert"
          message={describeProblem(error, 'default')}
          action={
            <Button size="small" onClick={() => void fetchPage(events ? (next ?? undefined) : undefined)}>
              {t('common.try_again')}
            </Button>
          }
          style={{ marginBottom: 12 }}
        />
      )}
      {events && events.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('account.security_activity.empty')} />}
      {events && events.length > 0 && (
        <List
          aria-label={label}
          className="activity-list"
          dataSource={events}
          renderItem={(event) => {
            const whose = who?.(event);
            return (
              <List.Item key={event.id}>
                <List.Item.Meta
                  title={describeActivity(event)}
                  description={
                    <>
                      <Typography.Text type="secondary">
                        {formatDateTime(event.createdAt)}
                        {whose ? ` · ${whose}` : ''}
                      </Typography.Text>
                      <br />
                      <Typography.Text type="secondary">
                        {describeUserAgent(event.userAgent)} · {event.ip ?? t('account.security_activity.unknown_address')}
                      </Typography.Text>
                    </>
                  }
                />
              </List.Item>
            );
          }}
        />
      )}
      {next && (
        <Button onClick={() => void fetchPage(next)} loading={busy} style={{ marginTop: 12 }}>
          {t('account.security_activity.show_older')}
        </Button>
      )}
    </>
  );
}
