import { Alert, Button } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { isApiError } from '../api';
import { stepUpSuperApp } from '../endpoints';
import { navigate } from '../navigation';
import { useStepUp } from '../step-up';
import type { NamedRef } from '../types';

/** True when `error` is a refusal this notice explains (the tenant's rule or the admin's own 2FA). */
export function isStepUpRefusal(error: unknown): boolean {
  return isApiError(error, 'second_factor_required_for_super_app', 'admin_second_factor_required');
}

/**
 * Why a super app's page is refused, and the way on: "Verify" (a second factor for this
 * session, as that super app's rule asks) or, for admin actions, "Activate" your own 2FA.
 */
export function StepUpNotice({ error, superApp, onVerified }: { error: unknown; superApp: NamedRef; onVerified: () => void }) {
  const stepUp = useStepUp(onVerified);
  if (isApiError(error, 'admin_second_factor_required')) return <ActivateOwnTwoFactorNotice />;
  const name = isApiError(error) && error.body.superApp?.name ? error.body.superApp.name : superApp.name;
  return (
    <>
      <Alert type="info" showIcon icon={<SafetyCertificateOutlined />} style={{ marginBottom: 16 }}
        message={`${name} requires two-factor authentication`}
        description={`This session has not passed the second factor ${name} asks for. Verify to manage it.`}
        action={<Button type="primary" size="small" onClick={() => void stepUp.start(() => stepUpSuperApp(superApp.id), `Verify to manage ${name}`)}>Verify</Button>} />
      {stepUp.element}
    </>
  );
}

/** Admin actions need the admin's own second factor: says so and links to Activate. */
export function ActivateOwnTwoFactorNotice() {
  return (
    <Alert type="warning" showIcon style={{ marginBottom: 16 }}
      message="Activate your own two-factor authentication first"
      description="Changing a super app's policy or resetting a member's two-factor authentication needs a session that passed a second factor."
      action={<Button size="small" onClick={() => navigate('/settings')}>Activate</Button>} />
  );
}
