import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Alert, Button } from 'antd';
import { NOTABLE_TYPES } from '../activity';
import { fetchAccountActivity, fetchAccountTwoFactor } from '../endpoints';
import { formatDateTime } from '../labels';
import { linkClick } from '../navigation';
import { useResource } from '../use-resource';
import type { AuditEvent } from '../types';

/** How far back a notable event still earns a notice. */
const RECENT_DAYS = 7;
/** The newest event a notice was dismissed for, in this browser. */
const SEEN_KEY = 'mpp-2fa.activity-notice-seen';

function readSeen(): string {
  try {
    return localStorage.getItem(SEEN_KEY) ?? '';
  } catch {
    return '';
  }
}

/** One sentence for a notable event. */
function sentence(event: AuditEvent, recoveryCodesLeft: number | undefined, t: TFunction): string {
  const when = formatDateTime(event.createdAt);
  switch (event.type) {
    case 'recovery_code.used':
      return recoveryCodesLeft === undefined
        ? t('account.recent_activity.recovery_code_used', { when })
        : t('account.recent_activity.recovery_code_used_left', { when, left: recoveryCodesLeft });
    case 'second_factor.locked':
      return t('account.recent_activity.second_factor_locked', { when });
    case 'second_factor.replayed':
      return t('account.recent_activity.second_factor_replayed', { when });
    case 'two_factor.reset':
      return t('account.recent_activity.two_factor_reset', { when });
    case 'two_factor.deactivated':
      return t('account.recent_activity.two_factor_deactivated', { when });
    case 'password.reset':
      return t('account.recent_activity.password_reset', { when });
    case 'password.changed':
      return t('account.recent_activity.password_changed', { when });
    default:
      return t('account.recent_activity.passkey_removed', { when });
  }
}

/**
 * On the overview: the newest notable security event of the last 7 days ("You signed in
 * with a recovery code, 9 left"), until dismissed in this browser, with a link to Security activity.
 */
export function RecentActivityNotice() {
  const { t } = useTranslation();
  const activity = useResource(() => fetchAccountActivity(undefined, 20), 'activity-notice');
  const twoFactor = useResource(fetchAccountTwoFactor, 'activity-notice-two-factor');
  const [seen, setSeen] = useState(readSeen);
  const since = new Date(Date.now() - RECENT_DAYS * 24 * 3600 * 1000).toISOString();
  const notable = activity.data?.events.find((event) => NOTABLE_TYPES.includes(event.type) && event.createdAt > since);
  if (!notable || notable.createdAt <= seen) return null;
  const left = twoFactor.data?.recoveryCodesRemaining;
  const dismiss = () => {
    try {
      localStorage.setItem(SEEN_KEY, notable.createdAt);
    } catch {
      /* private mode: the notice comes back next time */
    }
    setSeen(notable.createdAt);
  };
  return (
    <Alert
      type="warning"
      showIcon
      role="status"
      className="activity-notice"
      style={{ marginBottom: 20 }}
      message={sentence(notable, left, t)}
      description={
        <Trans
          i18nKey="account.recent_activity.description"
          components={{ anchor: <a href="/settings" onClick={linkClick('/settings')} style={{ textDecoration: 'underline' }} /> }}
        />
      }
      action={
        <Button size="small" onClick={dismiss}>
          {t('account.recent_activity.dismiss')}
        </Button>
      }
    />
  );
}
