import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TWO_FACTOR_POLICY,
  decideLogin,
  isValidTwoFactorPolicy,
  type LoginDecision,
  type PolicyMethod,
  type TwoFactorPolicy,
} from '../../src/domain/policy.js';

const OWN_TOTP: LoginDecision = { kind: 'second_factor_required', methods: ['totp', 'recovery_code'], primaryMethod: 'totp', reason: 'account_two_factor' };
const PASSWORD_ONLY: LoginDecision = { kind: 'authenticated' };

type Row = [ownTotpActive: boolean, required: boolean, primary: PolicyMethod, secondary: PolicyMethod | null, expected: LoginDecision];

// The full matrix of SPEC "The two kinds of 2FA" (secondary == primary is not a valid policy).
const MATRIX: Row[] = [
  // The account's own authenticator wins, whatever the super app says.
  [true, true, 'totp', null, OWN_TOTP],
  [true, true, 'totp', 'email', OWN_TOTP],
  [true, true, 'email', null, OWN_TOTP],
  [true, true, 'email', 'totp', OWN_TOTP],
  [true, false, 'totp', null, OWN_TOTP],
  [true, false, 'totp', 'email', OWN_TOTP],
  [true, false, 'email', null, OWN_TOTP],
  [true, false, 'email', 'totp', OWN_TOTP],
  // No own 2FA and the super app does not require it: the password signs in.
  [false, false, 'totp', null, PASSWORD_ONLY],
  [false, false, 'totp', 'email', PASSWORD_ONLY],
  [false, false, 'email', null, PASSWORD_ONLY],
  [false, false, 'email', 'totp', PASSWORD_ONLY],
  // No own 2FA and the super app requires it: its methods, primary first; totp means enrolment.
  [false, true, 'totp', null, { kind: 'enrollment_required', methods: ['totp_enrollment'], primaryMethod: 'totp_enrollment', reason: 'super_app_policy' }],
  [
    false,
    true,
    'totp',
    'email',
    { kind: 'enrollment_required', methods: ['totp_enrollment', 'email'], primaryMethod: 'totp_enrollment', reason: 'super_app_policy' },
  ],
  [false, true, 'email', null, { kind: 'second_factor_required', methods: ['email'], primaryMethod: 'email', reason: 'super_app_policy' }],
  [false, true, 'email', 'totp', { kind: 'second_factor_required', methods: ['email', 'totp_enrollment'], primaryMethod: 'email', reason: 'super_app_policy' }],
];

function policy(required: boolean, primaryMethod: PolicyMethod, secondaryMethod: PolicyMethod | null, allowDeactivation = true): TwoFactorPolicy {
  return { required, primaryMethod, secondaryMethod, allowDeactivation, phishingResistantOnly: false, rememberDeviceDays: 0 };
}

describe('decideLogin', () => {
  it('covers every combination of own 2FA, required, primary and secondary method', () => {
    const combinations = new Set(MATRIX.map(([own, required, primary, secondary]) => `${own}/${required}/${primary}/${secondary}`));
    expect(combinations.size).toBe(16);
  });

  it.each(MATRIX)('own TOTP %s, required %s, primary %s, secondary %s', (ownTotpActive, required, primary, secondary, expected) => {
    expect(decideLogin({ ownTotpActive, policy: policy(required, primary, secondary) })).toEqual(expected);
  });

  it.each(MATRIX)('ignores whether deactivation is allowed (own TOTP %s, required %s, %s/%s)', (ownTotpActive, required, primary, secondary, expected) => {
    expect(decideLogin({ ownTotpActive, policy: policy(required, primary, secondary, false) })).toEqual(expected);
  });

  it('asks for enrolment exactly when the primary method is an authenticator the account lacks', () => {
    for (const [ownTotpActive, required, primary, secondary] of MATRIX) {
      const decision = decideLogin({ ownTotpActive, policy: policy(required, primary, secondary) });
      expect(decision.kind === 'enrollment_required').toBe(!ownTotpActive && required && primary === 'totp');
    }
  });

  it('lists the primary method first whenever a second factor is asked for', () => {
    for (const [ownTotpActive, required, primary, secondary] of MATRIX) {
      const decision = decideLogin({ ownTotpActive, policy: policy(required, primary, secondary) });
      if (decision.kind !== 'authenticated') expect(decision.methods[0]).toBe(decision.primaryMethod);
    }
  });

  it('lets the default policy sign in with the password alone', () => {
    expect(decideLogin({ ownTotpActive: false, policy: DEFAULT_TWO_FACTOR_POLICY })).toEqual(PASSWORD_ONLY);
  });
});

describe('isValidTwoFactorPolicy', () => {
  it.each<[PolicyMethod, PolicyMethod | null, boolean]>([
    ['totp', null, true],
    ['email', null, true],
    ['totp', 'email', true],
    ['email', 'totp', true],
    ['totp', 'totp', false],
    ['email', 'email', false],
  ])('primary %s with secondary %s is valid: %s', (primary, secondary, valid) => {
    expect(isValidTwoFactorPolicy(policy(true, primary, secondary))).toBe(valid);
    expect(isValidTwoFactorPolicy(policy(false, primary, secondary, false))).toBe(valid);
  });

  it('accepts the default policy', () => {
    expect(isValidTwoFactorPolicy(DEFAULT_TWO_FACTOR_POLICY)).toBe(true);
  });
});
