import { DEVICE_COOKIE_MAX_AGE_SECONDS } from '../../domain/limits.js';
import { reauthenticate } from '../../services/account-two-factor.js';
import { login } from '../../services/login.js';
import {
  sendChallengeEmailCode,
  startChallengeEnrollment,
  startChallengePasskeyEnrollment,
  startChallengeWebAuthn,
  verifyChallenge,
} from '../../services/challenges.js';
import { describePasswordReset, requestPasswordReset, resetPassword, startPasswordResetWebAuthn } from '../../services/account-security.js';
import { describeSession, endSession } from '../../services/sessions.js';
import { switchWorkspace } from '../../services/workspace-switch.js';
import type { HttpApp } from '../http-app.js';
import {
  EmailCodeSent,
  NoContent,
  PasskeyRegistrationOptions,
  PasskeyRequestOptions,
  PasswordResetAccepted,
  PasswordResetView,
  PendingTotp,
  Reauthenticated,
  SessionView,
  SignInStep,
  VerifyResult,
} from '../contract.js';
import { responsesOf, securityOf } from '../responses.js';
import {
  ChallengeParams,
  EnrollmentBody,
  LoginBody,
  PasswordResetBody,
  PasswordResetRequestBody,
  ReauthenticateBody,
  SwitchWorkspaceBody,
  TokenParams,
  VerifyBody,
} from '../schemas.js';
import { clearSessionCookie, readSessionToken, requestContext, setDeviceCookie, setSessionCookie } from '../session-cookie.js';

const tags = ['auth'];

/** Login, second factor, logout and the current session (API.md "Login"). */
export function registerAuthRoutes(app: HttpApp): void {
  const { deps, cookiePolicy: cookies } = app;
  const maxAge = deps.sessionAbsoluteSeconds;

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        operationId: 'login',
        summary: 'Sign in with email and password',
        description: 'A session at once (session and device cookies set), or a challenge to pass first. Without `workspaceId`: the first workspace.',
        tags,
        security: securityOf('public'),
        body: LoginBody,
        response: responsesOf({
          method: 'POST',
          access: 'public',
          ok: { 200: SignInStep },
          problems: ['invalid_credentials', 'not_a_member', 'too_many_attempts'],
        }),
      },
    },
    async (request, reply) => {
      const result = await login(deps, request.body, requestContext(request, cookies));
      if (result.status !== 'authenticated') return result;
      const { sessionToken, deviceCookie, ...body } = result;
      await endSession(deps, readSessionToken(request, cookies));
      setSessionCookie(reply, cookies, sessionToken, maxAge);
      setDeviceCookie(reply, cookies, deviceCookie, DEVICE_COOKIE_MAX_AGE_SECONDS);
      return body;
    },
  );

  const resetTags = ['password reset'];
  app.post(
    '/api/v1/auth/password-reset',
    {
      schema: {
        operationId: 'requestPasswordReset',
        summary: 'Forgot password: email a single-use link (30 minutes) if the email has an account',
        description: 'Always the same 202, known email or not. At most one link a minute and five an hour per email.',
        tags: resetTags,
        security: securityOf('public'),
        body: PasswordResetRequestBody,
        response: responsesOf({ method: 'POST', access: 'public', ok: { 202: PasswordResetAccepted }, problems: ['too_many_codes'] }),
      },
    },
    async (request, reply) => reply.code(202).send(await requestPasswordReset(deps, request.body.email, requestContext(request, cookies))),
  );

  app.get(
    '/api/v1/auth/password-reset/:token',
    {
      schema: {
        operationId: 'describePasswordReset',
        summary: 'Whether a reset link still works, and whether the reset needs an authenticator or recovery code',
        tags: resetTags,
        security: securityOf('public'),
        params: TokenParams,
        response: responsesOf({ method: 'GET', access: 'public', ok: { 200: PasswordResetView }, problems: ['password_reset_expired', 'invalid_request'] }),
      },
    },
    async (request) => describePasswordReset(deps, request.params.token),
  );

  app.post(
    '/api/v1/auth/password-reset/:token',
    {
      schema: {
        operationId: 'resetPassword',
        summary: 'Set a new password with a reset link (and a code when the account has its own second factor)',
        description: 'Uses the link up, ends every session and forgets every known browser; signs no one in.',
        tags: resetTags,
        security: securityOf('public'),
        params: TokenParams,
        body: PasswordResetBody,
        response: responsesOf({
          method: 'POST',
          access: 'public',
          ok: { 204: NoContent },
          problems: ['password_reset_expired', 'weak_password', 'second_factor_code_required', 'invalid_code', 'too_many_attempts'],
        }),
      },
    },
    async (request, reply) => {
      await resetPassword(deps, request.params.token, request.body, requestContext(request, cookies));
      clearSessionCookie(reply, cookies);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password-reset/:token/webauthn',
    {
      schema: {
        operationId: 'startPasswordResetPasskey',
        summary: "Request options for the reset's second factor with a passkey (the account has one)",
        description: 'Answer them with POST …/password-reset/{token} `{ newPassword, method: "webauthn", credential }`, once, within 5 minutes.',
        tags: resetTags,
        security: securityOf('public'),
        params: TokenParams,
        response: responsesOf({
          method: 'POST',
          access: 'public',
          ok: { 200: PasskeyRequestOptions },
          problems: ['password_reset_expired', 'method_not_allowed', 'too_many_attempts'],
        }),
      },
    },
    async (request) => startPasswordResetWebAuthn(deps, request.params.token),
  );

  app.post(
    '/api/v1/auth/challenges/:id/email-code',
    {
      schema: {
        operationId: 'sendChallengeEmailCode',
        summary: 'Email a code for a challenge that offers `email`',
        tags,
        security: securityOf('public'),
        params: ChallengeParams,
        response: responsesOf({
          method: 'POST',
          access: 'public',
          ok: { 202: EmailCodeSent },
          problems: ['method_not_allowed', 'challenge_expired', 'too_many_attempts', 'resend_too_soon', 'too_many_codes', 'mail_delivery_failed'],
        }),
      },
    },
    async (request, reply) => {
      return reply.code(202).send(await sendChallengeEmailCode(deps, request.params.id, requestContext(request, cookies)));
    },
  );

  app.post(
    '/api/v1/auth/challenges/:id/webauthn',
    {
      schema: {
        operationId: 'startChallengeWebAuthn',
        summary: 'Request options for a challenge that offers `webauthn` (a passkey or security key)',
        description: 'Answer them once, before `expiresAt`, with verify `{ method: "webauthn", credential }`; asking again replaces them.',
        tags,
        security: securityOf('public'),
        params: ChallengeParams,
        response: responsesOf({
          method: 'POST',
          access: 'public',
          ok: { 200: PasskeyRequestOptions },
          problems: ['method_not_allowed', 'challenge_expired', 'too_many_attempts'],
        }),
      },
    },
    async (request) => startChallengeWebAuthn(deps, request.params.id),
  );

  // The body is optional (only a challenge that also offers email needs `code`): none counts as `{}`.
  const emptyBodyAsObject = async (request: { body: unknown }) => {
    request.body ??= {};
  };
  app.post(
    '/api/v1/auth/challenges/:id/enrollment',
    {
      schema: {
        operationId: 'startChallengeEnrollment',
        summary: 'Start setting up an authenticator during a challenge',
        description: 'When the challenge also offers `email`, the emailed `code` comes first.',
        tags,
        security: securityOf('public'),
        params: ChallengeParams,
        body: EnrollmentBody,
        response: responsesOf({
          method: 'POST',
          access: 'public',
          ok: { 200: PendingTotp },
          problems: ['method_not_allowed', 'challenge_expired', 'email_code_required', 'invalid_code', 'too_many_attempts', 'two_factor_already_active'],
        }),
      },
      preValidation: emptyBodyAsObject,
    },
    async (request) => {
      return startChallengeEnrollment(deps, request.params.id, request.body?.code, requestContext(request, cookies));
    },
  );

  app.post(
    '/api/v1/auth/challenges/:id/webauthn-enrollment',
    {
      schema: {
        operationId: 'startChallengePasskeyEnrollment',
        summary: 'Creation options to add a passkey during a challenge that offers `webauthn_enrollment`',
        description:
          'When the challenge also offers `email`, the emailed `code` comes first. Answer with verify `{ method: "webauthn_enrollment", credential, name? }`.',
        tags,
        security: securityOf('public'),
        params: ChallengeParams,
        body: EnrollmentBody,
        response: responsesOf({
          method: 'POST',
          access: 'public',
          ok: { 200: PasskeyRegistrationOptions },
          problems: ['method_not_allowed', 'challenge_expired', 'email_code_required', 'invalid_code', 'too_many_attempts', 'passkey_limit_reached'],
        }),
      },
      preValidation: emptyBodyAsObject,
    },
    async (request) => startChallengePasskeyEnrollment(deps, request.params.id, request.body?.code, requestContext(request, cookies)),
  );

  app.post(
    '/api/v1/auth/challenges/:id/verify',
    {
      schema: {
        operationId: 'verifyChallenge',
        summary: 'Pass a challenge with a code or a passkey',
        description:
          'A new session cookie. Challenges of a workspace switch or step-up need the session cookie that asked. Method `webauthn` sends `credential`, the assertion answering POST …/webauthn.',
        tags,
        security: securityOf('optional_session'),
        params: ChallengeParams,
        body: VerifyBody,
        response: responsesOf({
          method: 'POST',
          access: 'optional_session',
          ok: { 200: VerifyResult },
          problems: [
            'method_not_allowed',
            'invalid_code',
            'email_code_required',
            'no_pending_activation',
            'two_factor_already_active',
            'challenge_expired',
            'activation_expired',
            'too_many_attempts',
            'already_exists',
            'passkey_limit_reached',
          ],
        }),
      },
    },
    async (request, reply) => {
      const current = readSessionToken(request, cookies);
      const { sessionToken, deviceCookie, recoveryCodes, ...body } = await verifyChallenge(
        deps,
        request.params.id,
        request.body,
        requestContext(request, cookies),
        current,
      );
      // A sign-in replaces whatever session the browser held: never two ids for one browser.
      await endSession(deps, current);
      setSessionCookie(reply, cookies, sessionToken, maxAge);
      if (deviceCookie) setDeviceCookie(reply, cookies, deviceCookie, DEVICE_COOKIE_MAX_AGE_SECONDS);
      return recoveryCodes ? { ...body, recoveryCodes } : body;
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        operationId: 'logout',
        summary: 'End the session',
        tags,
        security: securityOf('optional_session'),
        response: responsesOf({ method: 'POST', access: 'optional_session', ok: { 204: NoContent } }),
      },
    },
    async (request, reply) => {
      await endSession(deps, readSessionToken(request, cookies));
      clearSessionCookie(reply, cookies);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/session',
    {
      schema: {
        operationId: 'getSession',
        summary: 'The current session: account, workspace, workspaces, administered super apps',
        tags,
        security: securityOf('session'),
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: SessionView } }),
      },
    },
    async (request) => describeSession(deps, await app.requireSession(request)),
  );

  app.post(
    '/api/v1/session/workspace',
    {
      schema: {
        operationId: 'switchWorkspace',
        summary: 'Switch the session to another workspace of the account',
        description: "A new session when the session satisfies the target super app's rule, else a challenge like login's.",
        tags,
        security: securityOf('session'),
        body: SwitchWorkspaceBody,
        response: responsesOf({ method: 'POST', access: 'session', ok: { 200: SignInStep }, problems: ['not_a_member', 'reauthentication_required'] }),
      },
    },
    async (request, reply) => {
      const result = await switchWorkspace(deps, await app.requireActor(request), request.body.workspaceId);
      if (result.status !== 'authenticated') return result;
      const { sessionToken, ...body } = result;
      setSessionCookie(reply, cookies, sessionToken, maxAge);
      return body;
    },
  );

  app.post(
    '/api/v1/session/reauthenticate',
    {
      schema: {
        operationId: 'reauthenticate',
        summary: 'Confirm the password, renewing the 15-minute window for sensitive changes',
        tags,
        security: securityOf('session'),
        body: ReauthenticateBody,
        response: responsesOf({ method: 'POST', access: 'session', ok: { 200: Reauthenticated }, problems: ['invalid_credentials', 'too_many_attempts'] }),
      },
    },
    async (request) => {
      return { authenticatedAt: await reauthenticate(deps, await app.requireActor(request), request.body.password) };
    },
  );
}
