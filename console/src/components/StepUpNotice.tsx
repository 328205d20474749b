import { useTranslation } from 'react-i18next';
import { Alert, Button } from 'antd';
import { SafetyCertificateOutlined } from '@ant-design/icons';
import { isApiError } from '../api';
import { stepUpSuperApp } from '../endpoints';
import { navigate } from '../navigation';
import { phrase } from '../phrases';
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
  const { t } = useTranslation();
  const stepUp = useStepUp(onVerified);
  if (isApiError(error, 'admin_second_factor_required')) return <ActivateOwnTwoFactorNotice />;
  const name = isApiError(error) && error.body.superApp?.name ? error.body.superApp.name : superApp.name;
  return (
    <>
      <Alert
        type="info"
        showIcon
        icon={<SafetyCertificateOutlined />}
        style={{ marginBottom: 16 }}
        message={phrase('notice.super_app_second_factor_title', { superApp: name })}
        description={phrase('notice.super_app_second_factor_description', { superApp: name })}
        action={
          <Button
            type="primary"
            size="small"
            onClick={() => void stepUp.start(() => stepUpSuperApp(superApp.id), t('account.step_up.verify_title', { superApp: name }))}
          >
            {t('account.step_up.verify')}
          </Button>
        }
      />
      {stepUp.element}
    </>
  );
}

/** Admin actions need the admin's own second factor: says so and links to Activate. */
export function ActivateOwnTwoFactorNotice() {
  const { t } = useTranslation();
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      message={phrase('notice.own_second_factor_title')}
      description={phrase('notice.own_second_factor_description')}
      action={
        <Button size="small" onClick={() => navigate('/settings')}>
          {t('account.common.activate')}
        </Button>
      }
    />
  );
}
