import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Card, Skeleton, Typography } from 'antd';
import { StatusTag } from './StatusTag';
import type { Member } from '../types';

interface MemberCardsProps {
  members: Member[] | undefined;
  loading: boolean;
  roleTag: (member: Member) => ReactNode;
  /** The Reset 2FA control for a member; undefined when the viewer may reset no one. */
  action?: (member: Member) => ReactNode;
}

/** The Members table as one card per member, each field labelled, for phones (no sideways scrolling). */
export function MemberCards({ members, loading, roleTag, action }: MemberCardsProps) {
  const { t } = useTranslation();
  if (loading && !members) return <Skeleton active paragraph={{ rows: 4 }} />;
  return (
    <ul className="member-cards" aria-label={t('tenant.members.title')}>
      {(members ?? []).map((member) => (
        <li key={member.account.id} data-testid="member">
          <Card size="small">
            <Typography.Text strong className="member-card-name">
              {member.account.name}
            </Typography.Text>
            <div className="member-card-email">{member.account.email}</div>
            <dl className="member-card-fields">
              <div>
                <dt>{t('tenant.members.role')}</dt>
                <dd>{roleTag(member)}</dd>
              </div>
              <div>
                <dt>{t('tenant.members.two_factor')}</dt>
                <dd>
                  <StatusTag on={member.twoFactorActive} onText={t('tenant.members.two_factor_on')} offText={t('tenant.members.two_factor_off')} />
                </dd>
              </div>
            </dl>
            {action && <div className="member-card-action">{action(member)}</div>}
          </Card>
        </li>
      ))}
    </ul>
  );
}
