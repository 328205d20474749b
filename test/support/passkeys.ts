import { expect } from 'vitest';
import { type ApiResponse, type Harness, PASSWORD } from './harness.js';
import { type CeremonyOverrides, SoftwareAuthenticator } from './webauthn.js';

export const PASSKEYS = '/api/v1/account/two-factor/passkeys';

/** Starts a registration and answers it with `authenticator` (a new one by default); the raw answer of POST …/passkeys. */
export async function registerPasskey(
  h: Harness,
  cookie: string,
  options: { name?: string; authenticator?: SoftwareAuthenticator; overrides?: CeremonyOverrides } = {},
): Promise<{ response: ApiResponse; authenticator: SoftwareAuthenticator; credential: ReturnType<SoftwareAuthenticator['createCredential']> }> {
  const authenticator = options.authenticator ?? new SoftwareAuthenticator();
  const started = await h.api('POST', `${PASSKEYS}/registration`, { cookie });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  const credential = authenticator.createCredential(started.body.options, options.overrides);
  const response = await h.api('POST', PASSKEYS, { cookie, body: { name: options.name ?? 'Laptop', credential } });
  return { response, authenticator, credential };
}

/** Registers a passkey that must be accepted; returns its authenticator, view and the recovery codes if any. */
export async function addPasskey(h: Harness, cookie: string, name = 'Laptop') {
  const { response, authenticator } = await registerPasskey(h, cookie, { name });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { authenticator, passkey: response.body.passkey, recoveryCodes: response.body.recoveryCodes as string[] | undefined };
}

/** Logs in with the password; the challenge id (the login must ask for a second factor). */
export async function startLogin(h: Harness, email: string): Promise<string> {
  const login = await h.api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } });
  expect(login.body.status, JSON.stringify(login.body)).toBe('second_factor_required');
  return login.body.challenge.id;
}

/** Request options of a login challenge (POST …/webauthn). */
export async function challengeOptions(h: Harness, challengeId: string) {
  const response = await h.api('POST', `/api/v1/auth/challenges/${challengeId}/webauthn`);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body.options as { challenge: string; rpId?: string; allowCredentials?: { id: string }[] };
}

/** Verifies a challenge with an assertion. */
export function verifyWithPasskey(h: Harness, challengeId: string, credential: unknown, cookie?: string): Promise<ApiResponse> {
  return h.api('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { cookie, body: { method: 'webauthn', credential } });
}

/** Signs in through a login challenge with the passkey; the new session cookie. */
export async function signInWithPasskey(h: Harness, email: string, authenticator: SoftwareAuthenticator): Promise<string> {
  const challengeId = await startLogin(h, email);
  const verified = await verifyWithPasskey(h, challengeId, authenticator.getAssertion(await challengeOptions(h, challengeId)));
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return verified.sessionCookie!;
}
