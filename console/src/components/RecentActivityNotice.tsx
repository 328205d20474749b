import { useState } from 'react';
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
function sentence(event: AuditEvent, recoveryCodesLeft: number | undefined): string {
  const when = formatDateTime(event.createdAt);
  switch (event.type) {
    case 'recovery_code.used':
      return `You signed in with a recovery code on ${when}${recoveryCodesLeft === undefined ? '' : `, ${recoveryCodesLeft} left`}.`;
    case 'second_factor.locked':
      return `Verification was locked on ${when} after too many wrong codes.`;
    case 'second_factor.replayed':
      return `An authenticator code of yours was used again on ${when}.`;
    case 'two_factor.reset':
      return `An administrator reset your two-factor authentication on ${when}.`;
    case 'two_factor.deactivated':
      return `Two-factor authentication was turned off on ${when}.`;
    case 'password.reset':
      return `Your password was reset with an emailed link on ${when}.`;
    case 'password.changed':
      return `Your password was changed on ${when}.`;
    default:
      return `A passkey or security key was removed on ${when}.`;
  }
}

/**
 * On the overview: the newest notable security event of the last 7 days ("You signed in
 * with a recovery code, 9 left"), until dismissed in this browser, with a link to Security activity.
 */
export function RecentActivityNotice() {
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
      message={sentence(notable, left)}
      description={
        <>
          If this was not you, change your password.{' '}
          <a href="/settings" onClick={linkClick('/settings')} style={{ textDecoration: 'underline' }}>
            See your security activity
          </a>
        </>
      }
      action={
        <Button size="small" onClick={dismiss}>
          Dismiss
        </Button>
      }
    />
  );
}
