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
    return <Result status="403" title="Workspace admins only" subTitle="Ask a workspace admin if you need to see the member list." />;
  }

  const reset = async (member: Member, who: string) => {
    try {
      await withReauth(() => resetMemberTwoFactor(workspace.id, member.account.id));
      void message.success(`Two-factor authentication of ${who} was reset.`);
    } catch (failure) {
      void message.error(describeProblem(failure, 'reset_member'));
    }
    resource.reload();
  };

  // The confirmation closes before the call so a password prompt, if needed, is the only dialog open.
  const confirmReset = (member: Member) => {
    const who = member.account.name || member.account.email;
    modal.confirm({
      title: 'Reset two-factor authentication',
      content: `Reset two-factor authentication for ${who}? They will be signed out everywhere, and their authenticator app, passkeys and recovery codes will stop working. Where a super app requires two-factor authentication, they set it up again at their next sign-in.`,
      okText: 'Reset 2FA',
      okButtonProps: { danger: true },
      cancelText: 'Cancel',
      autoFocusButton: 'cancel',
      onOk: () => {
        void reset(member, who);
      },
    });
  };

  const canReset = resource.data?.canResetTwoFactor === true;
  const roleTag = (member: Member) => (
    <Tag bordered={false} style={{ color: '#1f1f1f' }}>
      {member.role === 'admin' ? 'Admin' : 'Developer'}
    </Tag>
  );
  const resetAction = (member: Member) =>
    member.account.id === session.account.id ? (
      <Typography.Text type="secondary">You</Typography.Text>
    ) : (
      <Button
        size="small"
        danger
        disabled={!member.twoFactorActive || !session.secondFactorVerified}
        onClick={() => confirmReset(member)}
        aria-label={`Reset 2FA for ${member.account.name || member.account.email}`}
      >
        Reset 2FA
      </Button>
    );
  const columns: TableColumnsType<Member> = [
    { title: 'Name', key: 'name', render: (_, member) => member.account.name },
    { title: 'Email', key: 'email', render: (_, member) => member.account.email },
    { title: 'Role', key: 'role', render: (_, member) => roleTag(member) },
    { title: 'Two-Factor', key: 'two-factor', render: (_, member) => <StatusTag on={member.twoFactorActive} /> },
    ...(canReset ? [{ title: 'Actions', key: 'actions', render: (_: unknown, member: Member) => resetAction(member) }] : []),
  ];

  return (
    <>
      <Typography.Title level={1} className="page-title" style={{ fontSize: 24 }}>
        Members
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="page-subtitle">
        People in the {workspace.name} workspace and whether they protect their account with two-factor authentication.
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
              Try again
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
