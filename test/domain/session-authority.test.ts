import { describe, expect, it } from 'vitest';
import { type ChallengeMethod, decideLogin, type LoginDecision, satisfiesLoginDecision } from '../../src/domain/policy.js';

/** `satisfiesLoginDecision`: which passed second factors meet a super app's rule for an account (issue 11). */

const OWN_TOTP = decideLogin({
  ownTotpActive: true,
  policy: { required: true, primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true, phishingResistantOnly: false, rememberDeviceDays: 0 },
});
const EMAIL_THEN_TOTP = decideLogin({
  ownTotpActive: false,
  policy: { required: true, primaryMethod: 'email', secondaryMethod: 'totp', allowDeactivation: true, phishingResistantOnly: false, rememberDeviceDays: 0 },
});
const TOTP_ONLY = decideLogin({
  ownTotpActive: false,
  policy: { required: true, primaryMethod: 'totp', secondaryMethod: null, allowDeactivation: true, phishingResistantOnly: false, rememberDeviceDays: 0 },
});
const EMAIL_ONLY = decideLogin({
  ownTotpActive: false,
  policy: { required: true, primaryMethod: 'email', secondaryMethod: null, allowDeactivation: true, phishingResistantOnly: false, rememberDeviceDays: 0 },
});
const NOTHING: LoginDecision = { kind: 'authenticated' };

const CASES: Array<[name: string, decision: LoginDecision, passed: ChallengeMethod[], expected: boolean]> = [
  ['a rule that asks nothing, password alone', NOTHING, [], true],
  ['own authenticator asked, password alone', OWN_TOTP, [], false],
  ['own authenticator asked, authenticator code passed', OWN_TOTP, ['totp'], true],
  ['own authenticator asked, recovery code passed', OWN_TOTP, ['recovery_code'], true],
  ['own authenticator asked, enrolled during a login', OWN_TOTP, ['totp_enrollment'], true],
  ['own authenticator asked, only an emailed code passed', OWN_TOTP, ['email'], false],
  ['email or enrolment asked, emailed code passed', EMAIL_THEN_TOTP, ['email'], true],
  ['email or enrolment asked, enrolled', EMAIL_THEN_TOTP, ['totp_enrollment'], true],
  ['enrolment only, emailed code passed', TOTP_ONLY, ['email'], false],
  ['enrolment only, authenticator code passed', TOTP_ONLY, ['totp'], true],
  ['email only, authenticator code passed', EMAIL_ONLY, ['totp'], false],
  ['email only, several factors including email', EMAIL_ONLY, ['totp', 'email'], true],
];

describe('satisfiesLoginDecision', () => {
  it.each(CASES)('%s → %s', (_name, decision, passed, expected) => {
    expect(satisfiesLoginDecision(decision, passed)).toBe(expected);
  });
});
