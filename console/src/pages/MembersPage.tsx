import { useTranslation } from 'react-i18next';
import { Alert, App, Button, Card, Grid, Result, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { MemberCards } from '../components/MemberCards';
import { StatusTag } from '../components/StatusTag';
import { ActivateOwnTwoFactorNotice, isStepUpRefusal, StepUpNotice } from '../components/StepUpNotice';
import { fetchMembers, resetMemberTwoFactor } from '../endpoints';
import { describeProblem } from '../phrases';
import { useReauth } from '../reauth';
import { useResource } from '../use-resource';
import type { Member, Session } from '../types';

/** Members: every member's 2FA status, and "Reset 2FA" for admins allowed to reset. */
export default function MembersPage({ session, onSessionChanged }: { session: Session; onSessionChanged: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const workspace = session.workspace;
  const withReauth = useReauth();
  // Below 576 px (Ant Design's `sm`) a table of five columns cannot fit: each member becomes a card.
  const phone = Grid.useBreakpoint().sm === false;
  const isAdmin = workspace.role === 'admin';
  const resource = useResource(
    () => (isAdmin ? fetchMembers(workspace.id) : Promise.resolve({ members: [], canResetTwoFactor: false })),
    `members:${workspace.id}:${isAdmin}`,
  );

  if (!isAdmin) {
    return <Result status="403" title={t('tenant.members.admins_only_title')} subTitle={t('tenant.members.admins_only_description')} />;
  }

  const reset = async (member: Member, who: string) => {
    try {
      await withReauth(() => resetMemberTwoFactor(workspace.id, member.account.id));
      void message.success(t('tenant.members.reset_done', { who }));
    } catch (failure) {
      void message.error(describeProblem(failure, 'reset_member'));
    }
    resource.reload();
  };

  // The confirmation closes before the call so a password prompt, if needed, is the only dialog open.
  const confirmReset = (member: Member) => {
    const who = member.account.name || member.account.email;
    modal.confirm({
      title: t('tenant.members.reset_title'),
      content: t('tenant.members.reset_content', { who }),
      okText: t('tenant.members.reset'),
      okButtonProps: { danger: true },
      cancelText: t('tenant.cancel'),
      autoFocusButton: 'cancel',
      onOk: () => {
        void reset(member, who);
      },
    });
  };

  const canReset = resource.data?.canResetTwoFactor === true;
  const roleTag = (member: Member) => (
    <Tag bordered={false} className="role-tag">
      {t(member.role === 'admin' ? 'tenant.role.admin' : 'tenant.role.developer')}
    </Tag>
  );
  const resetAction = (member: Member) =>
    member.account.id === session.account.id ? (
      <Typography.Text type="secondary">{t('tenant.members.you')}</Typography.Text>
    ) : (
      <Button
        size="small"
        danger
        disabled={!member.twoFactorActive || !session.secondFactorVerified}
        onClick={() => confirmReset(member)}
        aria-label={t('tenant.members.reset_label', { who: member.account.name || member.account.email })}
      >
        {t('tenant.members.reset')}
      </Button>
    );
  const columns: TableColumnsType<Member> = [
    { title: t('tenant.members.name'), key: 'name', render: (_, member) => member.account.name },
    { title: t('tenant.members.email'), key: 'email', render: (_, member) => member.account.email },
    { title: t('tenant.members.role'), key: 'role', render: (_, member) => roleTag(member) },
    {
      title: t('tenant.members.two_factor'),
      key: 'two-factor',
      render: (_, member) => <StatusTag on={member.twoFactorActive} onText={t('tenant.members.two_factor_on')} offText={t('tenant.members.two_factor_off')} />,
    },
    ...(canReset ? [{ title: t('tenant.members.actions'), key: 'actions', render: (_: unknown, member: Member) => resetAction(member) }] : []),
  ];

  return (
    <>
      <Typography.Title level={1} className="page-title" style={{ fontSize: 24 }}>
        {t('tenant.members.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="page-subtitle">
        {t('tenant.members.subtitle', { workspace: workspace.name })}
      </Typography.Paragraph>
      {isStepUpRefusal(resource.error) ? (
        <StepUpNotice
          error={resource.error}
          superApp={workspace.superApp}
          onVerified={() => {
            resource.reload();
            onSessionChanged();
          }}
        />
      ) : resource.error ? (
        <Alert
          type="error"
          showIcon
          message={describeProblem(resource.error, 'load_members')}
          action={
            <Button size="small" onClick={resource.reload}>
              {t('common.try_again')}
            </Button>
          }
        />
      ) : (
        <>
          {canReset && !session.secondFactorVerified && <ActivateOwnTwoFactorNotice />}
          {phone ? (
            <MemberCards members={resource.data?.members} loading={resource.loading} roleTag={roleTag} action={canReset ? resetAction : undefined} />
          ) : (
            <Card styles={{ body: { padding: 0 } }}>
              <Table<Member>
                rowKey={(member) => member.account.id}
                columns={columns}
                dataSource={resource.data?.members}
                loading={resource.loading}
                pagination={false}
              />
            </Card>
          )}
        </>
      )}
    </>
  );
}
