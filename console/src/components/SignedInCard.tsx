import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Card, Skeleton, Tag, Typography } from 'antd';
import { endAccountSession, endOtherSessions, fetchAccountSessions, fetchKnownDevices, forgetKnownDevice } from '../endpoints';
import { t as translate } from '../i18n';
import { formatDateTime } from '../labels';
import { describeProblem, phrase, type Action } from '../phrases';
import { useResource } from '../use-resource';
import { describeUserAgent } from '../user-agent';
import type { AccountSession, KnownDevice } from '../types';

function LoadFailed({ error, action, onRetry }: { error: unknown; action: Action; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      type="error"
      showIcon
      message={describeProblem(error, action)}
      action={
        <Button size="small" onClick={onRetry}>
          {t('common.try_again')}
        </Button>
      }
    />
  );
}

/** One row of a list: what it is (with "This browser"), its details, and its one action. */
function Row({ title, current, details, action }: { title: string; current: boolean; details: string[]; action: ReactNode }) {
  const { t } = useTranslation();
  return (
    <li className="signed-in-row">
      <div className="signed-in-row-text">
        <div className="signed-in-row-title">
          <Typography.Text strong>{title}</Typography.Text>
          {current && (
            <Tag color="blue" style={{ marginInlineStart: 8 }}>
              {t('tenant.signed_in.this_browser')}
            </Tag>
          )}
        </div>
        {details.map((detail) => (
          <div key={detail} className="signed-in-row-detail">
            {detail}
          </div>
        ))}
      </div>
      <div className="signed-in-row-action">{action}</div>
    </li>
  );
}

function sessionDetails(session: AccountSession): string[] {
  return [
    translate('tenant.signed_in.session_place', { workspace: session.workspace.name, address: session.ip ?? translate('tenant.signed_in.unknown_address') }),
    translate('tenant.signed_in.session_times', { signedIn: formatDateTime(session.createdAt), lastActive: formatDateTime(session.lastSeenAt) }),
  ];
}

function deviceDetails(device: KnownDevice): string[] {
  return [
    device.ip ?? translate('tenant.signed_in.unknown_address'),
    translate('tenant.signed_in.device_times', { firstSeen: formatDateTime(device.firstSeenAt), lastSeen: formatDateTime(device.lastSeenAt) }),
    ...(device.rememberedUntil ? [translate('tenant.signed_in.device_remembered', { until: formatDateTime(device.rememberedUntil) })] : []),
  ];
}

/**
 * Settings → Account → "Where you are signed in": the account's sessions (sign out one, or
 * every other), and the browsers it signed in from (forget one: its next sign-in counts
 * as a new browser). Signing out this browser's own session goes to the login page.
 */
export function SignedInCard({ onSignedOut }: { onSignedOut: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const sessions = useResource(fetchAccountSessions, 'account-sessions');
  const devices = useResource(fetchKnownDevices, 'account-devices');
  const [busy, setBusy] = useState<string>();
  const others = (sessions.data?.sessions ?? []).filter((session) => !session.current);

  const endSession = async (session: AccountSession) => {
    setBusy(session.id);
    try {
      await endAccountSession(session.id);
      if (session.current) {
        onSignedOut();
        return;
      }
      void message.success(t('tenant.signed_in.session_ended'));
      sessions.reload();
    } catch (failure) {
      void message.error(describeProblem(failure, 'end_session'));
      sessions.reload();
    } finally {
      setBusy(undefined);
    }
  };

  const endOthers = () => {
    modal.confirm({
      title: t('tenant.signed_in.end_others_title'),
      content: t('tenant.signed_in.end_others_content'),
      okText: t('tenant.signed_in.end_others'),
      okButtonProps: { danger: true },
      cancelText: t('tenant.cancel'),
      onOk: async () => {
        try {
          const { ended } = await endOtherSessions();
          void message.success(phrase('notice.other_sessions_ended', { count: ended }));
        } catch (failure) {
          void message.error(describeProblem(failure, 'end_other_sessions'));
        }
        sessions.reload();
      },
    });
  };

  const forget = async (device: KnownDevice) => {
    setBusy(device.id);
    try {
      await forgetKnownDevice(device.id);
      void message.success(t('tenant.signed_in.device_forgotten'));
    } catch (failure) {
      void message.error(describeProblem(failure, 'forget_device'));
    } finally {
      setBusy(undefined);
      devices.reload();
    }
  };

  return (
    <Card title={<h2 className="card-title">{t('tenant.signed_in.title')}</h2>}>
      <section aria-labelledby="signed-in-sessions">
        <div className="signed-in-heading">
          <h3 id="signed-in-sessions" className="dialog-section-title">
            {t('tenant.signed_in.sessions')}
          </h3>
          {others.length > 0 && (
            <Button danger onClick={endOthers}>
              {t('tenant.signed_in.end_others')}
            </Button>
          )}
        </div>
        {!!sessions.error && !sessions.data && <LoadFailed error={sessions.error} action="load_sessions" onRetry={sessions.reload} />}
        {!sessions.data && !sessions.error && <Skeleton active paragraph={{ rows: 2 }} />}
        {sessions.data && (
          <ul className="signed-in-list" aria-label={t('tenant.signed_in.sessions')}>
            {sessions.data.sessions.map((session) => (
              <Row
                key={session.id}
                title={describeUserAgent(session.userAgent)}
                current={session.current}
                details={sessionDetails(session)}
                action={
                  <Button loading={busy === session.id} onClick={() => void endSession(session)}>
                    {t('tenant.signed_in.sign_out')}
                  </Button>
                }
              />
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="signed-in-devices" style={{ marginTop: 24 }}>
        <h3 id="signed-in-devices" className="dialog-section-title">
          {t('tenant.signed_in.devices')}
        </h3>
        <Typography.Paragraph type="secondary">{t('tenant.signed_in.devices_intro')}</Typography.Paragraph>
        {!!devices.error && !devices.data && <LoadFailed error={devices.error} action="load_devices" onRetry={devices.reload} />}
        {!devices.data && !devices.error && <Skeleton active paragraph={{ rows: 2 }} />}
        {devices.data && devices.data.devices.length === 0 && <Typography.Text type="secondary">{t('tenant.signed_in.no_devices')}</Typography.Text>}
        {devices.data && devices.data.devices.length > 0 && (
          <ul className="signed-in-list" aria-label={t('tenant.signed_in.devices')}>
            {devices.data.devices.map((device) => (
              <Row
                key={device.id}
                title={describeUserAgent(device.userAgent)}
                current={device.current}
                details={deviceDetails(device)}
                action={
                  <Button loading={busy === device.id} onClick={() => void forget(device)}>
                    {t('tenant.signed_in.forget')}
                  </Button>
                }
              />
            ))}
          </ul>
        )}
      </section>
    </Card>
  );
}
