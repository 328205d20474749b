import { Typography } from 'antd';
import { METHOD_LABELS } from '../labels';
import type { AccountTwoFactor } from '../types';

function describePolicy(policy: AccountTwoFactor['superAppPolicies'][number]): string {
  const name = policy.superApp.name;
  if (!policy.required) {
    return `${name} does not require two-factor authentication${policy.allowDeactivation ? '' : ', but does not allow deactivating it'}.`;
  }
  const methods = `${METHOD_LABELS[policy.primaryMethod]}${policy.secondaryMethod ? `, or ${METHOD_LABELS[policy.secondaryMethod].toLowerCase()}` : ''}`;
  return `${name} requires two-factor authentication (${methods})${policy.allowDeactivation ? '' : ' and does not allow deactivating it'}.`;
}

/** The 2FA rules of every super app the account works in, one line each. */
export function SuperAppPolicyList({ policies }: { policies: AccountTwoFactor['superAppPolicies'] }) {
  if (policies.length === 0) return null;
  return (
    <section style={{ marginTop: 24 }} aria-labelledby="super-app-policies-title">
      <Typography.Title level={3} id="super-app-policies-title" style={{ fontSize: 14, marginBottom: 4 }}>
        Super app requirements
      </Typography.Title>
      <ul className="policy-list">
        {policies.map((policy) => (
          <li key={policy.superApp.id}>{describePolicy(policy)}</li>
        ))}
      </ul>
    </section>
  );
}
