import { useTranslation } from 'react-i18next';
import { Typography } from 'antd';
import { t as translate } from '../i18n';
import { METHOD_LABELS } from '../labels';
import type { AccountTwoFactor } from '../types';

function describePolicy(policy: AccountTwoFactor['superAppPolicies'][number]): string {
  const superApp = policy.superApp.name;
  if (!policy.required) {
    return translate(policy.allowDeactivation ? 'tenant.super_app_policies.not_required' : 'tenant.super_app_policies.not_required_no_deactivation', {
      superApp,
    });
  }
  const primary = METHOD_LABELS[policy.primaryMethod];
  const methods = policy.secondaryMethod
    ? translate('tenant.super_app_policies.either_method', { primary, secondary: METHOD_LABELS[policy.secondaryMethod].toLowerCase() })
    : primary;
  return translate(policy.allowDeactivation ? 'tenant.super_app_policies.required' : 'tenant.super_app_policies.required_no_deactivation', {
    superApp,
    methods,
  });
}

/** The 2FA rules of every super app the account works in, one line each. */
export function SuperAppPolicyList({ policies }: { policies: AccountTwoFactor['superAppPolicies'] }) {
  const { t } = useTranslation();
  if (policies.length === 0) return null;
  return (
    <section style={{ marginTop: 24 }} aria-labelledby="super-app-policies-title">
      <Typography.Title level={3} id="super-app-policies-title" style={{ fontSize: 14, marginBottom: 4 }}>
        {t('tenant.super_app_policies.title')}
      </Typography.Title>
      <ul className="policy-list">
        {policies.map((policy) => (
          <li key={policy.superApp.id}>{describePolicy(policy)}</li>
        ))}
      </ul>
    </section>
  );
}
