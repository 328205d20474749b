import { describe, expect, it } from 'vitest';
import { decideLogin, findTwoFactorPolicyProblem, satisfiesLoginDecision, type TwoFactorPolicy } from '../../src/domain/policy.js';
import { isSignCountRegression, relyingPartyFor } from '../../src/domain/webauthn.js';

/** Passkeys in the login rule (issue 13): own passkeys first, the policy method `webauthn`, phishing-resistant only. */

const policy = (changes: Partial<TwoFactorPolicy> = {}): TwoFactorPolicy => ({
  required: true,
  primaryMethod: 'webauthn',
  secondaryMethod: null,
  allowDeactivation: true,
  phishingResistantOnly: false,
  rememberDeviceDays: 0,
  ...changes,
});
const STRICT = policy({ phishingResistantOnly: true });

describe('decideLogin with passkeys', () => {
  it.each([
    [true, true, ['webauthn', 'totp', 'recovery_code']],
    [false, true, ['webauthn', 'recovery_code']],
    [true, false, ['totp', 'recovery_code']],
  ] as const)('own TOTP %s and own passkey %s: the account factors, passkey first', (ownTotpActive, ownWebAuthn, methods) => {
    const decision = decideLogin({ ownTotpActive, ownWebAuthn, policy: policy({ required: false, primaryMethod: 'email' }) });
    expect(decision).toEqual({ kind: 'second_factor_required', methods, primaryMethod: methods[0], reason: 'account_two_factor' });
  });

  it('a policy asking for webauthn enrols a passkey for an account without factors, with email as the fallback', () => {
    expect(decideLogin({ ownTotpActive: false, ownWebAuthn: false, policy: policy({ secondaryMethod: 'email' }) })).toEqual({
      kind: 'enrollment_required',
      methods: ['webauthn_enrollment', 'email'],
      primaryMethod: 'webauthn_enrollment',
      reason: 'super_app_policy',
    });
    expect(decideLogin({ ownTotpActive: false, policy: policy({ primaryMethod: 'email', secondaryMethod: 'webauthn' }) })).toMatchObject({
      kind: 'second_factor_required',
      methods: ['email', 'webauthn_enrollment'],
    });
  });

  it('phishing-resistant only: a passkey alone, whatever else the account has; without one it enrols one', () => {
    for (const ownTotpActive of [true, false]) {
      expect(decideLogin({ ownTotpActive, ownWebAuthn: true, policy: STRICT })).toEqual({
        kind: 'second_factor_required',
        methods: ['webauthn'],
        primaryMethod: 'webauthn',
        reason: 'super_app_policy',
      });
      expect(decideLogin({ ownTotpActive, ownWebAuthn: false, policy: STRICT })).toEqual({
        kind: 'enrollment_required',
        methods: ['webauthn_enrollment'],
        primaryMethod: 'webauthn_enrollment',
        reason: 'super_app_policy',
      });
    }
  });

  it('phishing-resistant only: a session that passed an authenticator code or a recovery code does not satisfy it; a passkey does', () => {
    const decision = decideLogin({ ownTotpActive: true, ownWebAuthn: true, policy: STRICT });
    expect(satisfiesLoginDecision(decision, ['totp', 'recovery_code', 'email'])).toBe(false);
    expect(satisfiesLoginDecision(decision, ['webauthn'])).toBe(true);
    expect(satisfiesLoginDecision(decision, ['webauthn_enrollment'])).toBe(true);
  });
});

describe('findTwoFactorPolicyProblem', () => {
  it('accepts webauthn as primary or secondary, and phishing-resistant only with webauthn alone and required', () => {
    expect(findTwoFactorPolicyProblem(policy())).toBeNull();
    expect(findTwoFactorPolicyProblem(policy({ primaryMethod: 'totp', secondaryMethod: 'webauthn' }))).toBeNull();
    expect(findTwoFactorPolicyProblem(STRICT)).toBeNull();
  });

  it.each([
    ['webauthn twice', policy({ secondaryMethod: 'webauthn' })],
    ['a secondary method', policy({ phishingResistantOnly: true, secondaryMethod: 'email' })],
    ['another primary', policy({ phishingResistantOnly: true, primaryMethod: 'totp' })],
    ['2FA not required', policy({ phishingResistantOnly: true, required: false })],
  ])('refuses %s', (_label, refused) => {
    expect(findTwoFactorPolicyProblem(refused)).not.toBeNull();
  });
});

describe('WebAuthn rules', () => {
  it.each([
    [0, 0, false],
    [0, 1, false],
    [5, 6, false],
    [5, 5, true],
    [5, 4, true],
    [5, 0, true],
  ])('stored counter %s, reported %s: regression %s (WebAuthn L3 §7.2 step 22)', (stored, reported, regressed) => {
    expect(isSignCountRegression(stored, reported)).toBe(regressed);
  });

  it('the relying party comes from PUBLIC_URL, else localhost on the port', () => {
    expect(relyingPartyFor('https://console.example.com', 3000)).toMatchObject({ id: 'console.example.com', origins: ['https://console.example.com'] });
    expect(relyingPartyFor('http://localhost:8080', 3000)).toMatchObject({ id: 'localhost', origins: ['http://localhost:8080'] });
    expect(relyingPartyFor(undefined, 3000)).toMatchObject({ id: 'localhost', origins: ['http://localhost:3000'] });
  });
});
