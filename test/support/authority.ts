import { expect } from 'vitest';
import { type ApiResponse, type Harness, PASSWORD } from './harness.js';

/** Helpers for tenant-bounded authority: logins into a chosen workspace, second factors, step-up and switch. */

/** `POST /api/v1/auth/login` with the test password, into `workspaceId` when given. */
export function login(h: Harness, email: string, workspaceId?: string): Promise<ApiResponse> {
  return h.api('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD, ...(workspaceId && { workspaceId }) } });
}

/** A password-only session into `workspaceId`; fails unless the login signs in at once. */
export async function passwordSession(h: Harness, email: string, workspaceId: string): Promise<string> {
  const response = await login(h, email, workspaceId);
  expect(response.body.status, JSON.stringify(response.body)).toBe('authenticated');
  return response.sessionCookie!;
}

/** Verifies a challenge; `cookie` is the session that asked for it (switch, step-up). */
export function verify(h: Harness, challengeId: string, method: string, code: string, cookie?: string): Promise<ApiResponse> {
  return h.api('POST', `/api/v1/auth/challenges/${challengeId}/verify`, { body: { method, code }, ...(cookie && { cookie }) });
}

/** Passes a challenge with an emailed code (sent now); returns the verify answer. */
export async function passWithEmail(h: Harness, challengeId: string, email: string, cookie?: string): Promise<ApiResponse> {
  const sent = await h.api('POST', `/api/v1/auth/challenges/${challengeId}/email-code`);
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  return verify(h, challengeId, 'email', h.mailer.lastCode(email), cookie);
}

/** A session into `workspaceId` that passed the account's own authenticator (`key`). */
export async function totpSession(h: Harness, email: string, key: Uint8Array, workspaceId?: string): Promise<string> {
  const started = await login(h, email, workspaceId);
  expect(started.body.status, JSON.stringify(started.body)).toBe('second_factor_required');
  h.clock.advanceSeconds(30);
  const verified = await verify(h, started.body.challenge.id, 'totp', h.totp(key));
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return verified.sessionCookie!;
}

/** A session into `workspaceId` that passed an emailed code (the super app's policy asks for email). */
export async function emailSession(h: Harness, email: string, workspaceId: string): Promise<string> {
  const started = await login(h, email, workspaceId);
  expect(started.body.status, JSON.stringify(started.body)).not.toBe('authenticated');
  const verified = await passWithEmail(h, started.body.challenge.id, email);
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return verified.sessionCookie!;
}

/** `POST /api/v1/super-apps/{id}/step-up`. */
export function stepUp(h: Harness, cookie: string, superAppId: string): Promise<ApiResponse> {
  return h.api('POST', `/api/v1/super-apps/${superAppId}/step-up`, { cookie });
}

/** `POST /api/v1/session/workspace`. */
export function switchWorkspace(h: Harness, cookie: string, workspaceId: string): Promise<ApiResponse> {
  return h.api('POST', '/api/v1/session/workspace', { cookie, body: { workspaceId } });
}

/** Steps the session up into the super app with the account's own authenticator; returns the new cookie. */
export async function stepUpWithTotp(h: Harness, cookie: string, superAppId: string, key: Uint8Array): Promise<string> {
  const started = await stepUp(h, cookie, superAppId);
  expect(started.body.status, JSON.stringify(started.body)).toBe('second_factor_required');
  h.clock.advanceSeconds(30);
  const verified = await verify(h, started.body.challenge.id, 'totp', h.totp(key), cookie);
  expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  return verified.sessionCookie!;
}

/**
 * Gives the account an authenticator of its own (activated from a password-only session
 * into its first workspace) and returns a session into `workspaceId` (default: the first)
 * that passed it: what an admin needs for policy changes and resets.
 */
export async function secondFactorSession(h: Harness, email: string, workspaceId?: string): Promise<{ cookie: string; key: Uint8Array }> {
  const { key } = await h.activateTotp(await h.loginSession(email));
  return { cookie: await totpSession(h, email, key, workspaceId), key };
}
