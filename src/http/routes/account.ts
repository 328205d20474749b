import {
  deactivateTwoFactor,
  removeAuthenticator,
  getTwoFactorStatus,
  regenerateRecoveryCodes,
  sendDeactivationEmailCode,
  startActivation,
  verifyActivation,
} from '../../services/account-two-factor.js';
import { listAccountAuditEvents } from '../../services/audit-log.js';
import { changePassword, endAccountSession, endOtherSessions, forgetDevice, listAccountSessions } from '../../services/account-security.js';
import { chooseAccountLocale } from '../../services/account-locale.js';
import { listDevices } from '../../services/devices.js';
import { clearSessionCookie, readDeviceCookies } from '../session-cookie.js';
import type { HttpApp } from '../http-app.js';
import {
  AccountSessions,
  ActivationVerified,
  AuditEvents,
  Devices,
  EmailCodeSent,
  NoContent,
  PendingTotp,
  RecoveryCodes,
  SessionsEnded,
  TwoFactorOff,
  TwoFactorStatus,
} from '../contract.js';
import { responsesOf, securityOf } from '../responses.js';
import {
  AccountAuditQuery,
  ActivationVerifyBody,
  ChangePasswordBody,
  DeactivationBody,
  DeviceParams,
  LocaleBody,
  RegenerateBody,
  SessionParams,
} from '../schemas.js';

const tags = ['account two-factor'];
const accountTags = ['account'];
const security = securityOf('session');

/** The signed-in account's own 2FA (API.md "Account 2FA"), devices and audit log. */
export function registerAccountRoutes(app: HttpApp): void {
  const { deps } = app;

  app.get(
    '/api/v1/account/two-factor',
    {
      schema: {
        operationId: 'getTwoFactorStatus',
        summary: "The account's two-factor state, what may turn it off, and the policies of its super apps",
        tags,
        security,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: TwoFactorStatus } }),
      },
    },
    async (request) => {
      const { account } = await app.requireSession(request);
      return getTwoFactorStatus(deps, account.id);
    },
  );

  app.post(
    '/api/v1/account/two-factor/activation',
    {
      schema: {
        operationId: 'startTwoFactorActivation',
        summary: 'Start activating an authenticator: a new pending secret, replacing any earlier one',
        tags,
        security,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 201: PendingTotp },
          problems: ['reauthentication_required', 'two_factor_already_active'],
        }),
      },
    },
    async (request, reply) => {
      return reply.code(201).send(await startActivation(deps, await app.requireActor(request)));
    },
  );

  app.post(
    '/api/v1/account/two-factor/activation/verify',
    {
      schema: {
        operationId: 'verifyTwoFactorActivation',
        summary: 'Confirm the activation with an authenticator code; answers the recovery codes once',
        tags,
        security,
        body: ActivationVerifyBody,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 200: ActivationVerified },
          problems: ['invalid_code', 'too_many_attempts', 'no_pending_activation', 'two_factor_already_active', 'activation_expired'],
        }),
      },
    },
    async (request) => {
      return { active: true as const, recoveryCodes: await verifyActivation(deps, await app.requireActor(request), request.body.code) };
    },
  );

  app.post(
    '/api/v1/account/two-factor/deactivation/email-code',
    {
      schema: {
        operationId: 'sendDeactivationEmailCode',
        summary: 'Email a code that can prove identity for deactivation',
        tags,
        security,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 202: EmailCodeSent },
          problems: ['deactivation_not_allowed', 'two_factor_not_active', 'too_many_attempts', 'resend_too_soon', 'too_many_codes', 'mail_delivery_failed'],
        }),
      },
    },
    async (request, reply) => {
      return reply.code(202).send(await sendDeactivationEmailCode(deps, await app.requireActor(request)));
    },
  );

  app.post(
    '/api/v1/account/two-factor/deactivation',
    {
      schema: {
        operationId: 'deactivateTwoFactor',
        summary: 'Turn two-factor authentication off (authenticator, passkeys, recovery codes) with the password and a code or a passkey',
        tags,
        security,
        body: DeactivationBody,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 200: TwoFactorOff },
          problems: ['invalid_credentials', 'invalid_code', 'deactivation_not_allowed', 'two_factor_not_active', 'too_many_attempts'],
        }),
      },
    },
    async (request) => {
      await deactivateTwoFactor(deps, await app.requireActor(request), request.body);
      return { active: false as const };
    },
  );

  app.delete(
    '/api/v1/account/two-factor/totp',
    {
      schema: {
        operationId: 'removeAuthenticator',
        summary:
          'Remove the authenticator app while passkeys keep two-factor authentication on; the last second factor is removed by deactivation instead (409 last_second_factor)',
        tags,
        security,
        response: responsesOf({
          method: 'DELETE',
          access: 'session',
          ok: { 204: NoContent },
          problems: ['reauthentication_required', 'not_found', 'last_second_factor', 'two_factor_not_active'],
        }),
      },
    },
    async (request, reply) => {
      await removeAuthenticator(deps, await app.requireActor(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/account/two-factor/recovery-codes',
    {
      schema: {
        operationId: 'regenerateRecoveryCodes',
        summary: 'New recovery codes with the password and an authenticator code or a passkey',
        tags,
        security,
        body: RegenerateBody,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 200: RecoveryCodes },
          problems: ['invalid_credentials', 'invalid_code', 'two_factor_not_active', 'too_many_attempts'],
        }),
      },
    },
    async (request) => {
      return { recoveryCodes: await regenerateRecoveryCodes(deps, await app.requireActor(request), request.body) };
    },
  );

  app.get(
    '/api/v1/account/devices',
    {
      schema: {
        operationId: 'listDevices',
        summary: 'Browsers that signed in to the account, most recently seen first',
        tags,
        security,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: Devices } }),
      },
    },
    async (request) => {
      const { account } = await app.requireSession(request);
      return listDevices(deps, account.id, readDeviceCookies(request, app.cookiePolicy));
    },
  );

  app.delete(
    '/api/v1/account/devices/:id',
    {
      schema: {
        operationId: 'forgetDevice',
        summary: 'Forget a known browser: its next sign-in counts as a new one (guessing limits, new-sign-in email)',
        tags: accountTags,
        security,
        params: DeviceParams,
        response: responsesOf({ method: 'DELETE', access: 'session', ok: { 204: NoContent }, problems: ['not_found'] }),
      },
    },
    async (request, reply) => {
      await forgetDevice(deps, await app.requireActor(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/account/sessions',
    {
      schema: {
        operationId: 'listAccountSessions',
        summary: 'Where the account is signed in: browser, address, workspace, created and last active',
        tags: accountTags,
        security,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: AccountSessions } }),
      },
    },
    async (request) => listAccountSessions(deps, await app.requireActor(request)),
  );

  app.delete(
    '/api/v1/account/sessions/:id',
    {
      schema: {
        operationId: 'endAccountSession',
        summary: 'Sign out one session of the account (this one included: then the cookie is cleared)',
        tags: accountTags,
        security,
        params: SessionParams,
        response: responsesOf({ method: 'DELETE', access: 'session', ok: { 204: NoContent }, problems: ['not_found'] }),
      },
    },
    async (request, reply) => {
      const { current } = await endAccountSession(deps, await app.requireActor(request), request.params.id);
      if (current) clearSessionCookie(reply, app.cookiePolicy);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/account/sessions',
    {
      schema: {
        operationId: 'endOtherSessions',
        summary: 'Sign out everywhere else: every session of the account but this one',
        tags: accountTags,
        security,
        response: responsesOf({ method: 'DELETE', access: 'session', ok: { 200: SessionsEnded } }),
      },
    },
    async (request) => endOtherSessions(deps, await app.requireActor(request)),
  );

  app.post(
    '/api/v1/account/password',
    {
      schema: {
        operationId: 'changePassword',
        summary: 'Change the password: the current one, a new one, and a code when the account has its own second factor',
        description: 'Every other session ends and every other known browser is forgotten; the owner is emailed.',
        tags: accountTags,
        security,
        body: ChangePasswordBody,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 204: NoContent },
          problems: ['weak_password', 'invalid_credentials', 'second_factor_code_required', 'invalid_code', 'too_many_attempts'],
        }),
      },
    },
    async (request, reply) => {
      await changePassword(deps, await app.requireActor(request), request.body);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/v1/account/locale',
    {
      schema: {
        operationId: 'setAccountLocale',
        summary: "Choose the language of the account's emails: en or zh-CN",
        description: 'GET /api/v1/session shows it as `account.locale`.',
        tags: accountTags,
        security,
        body: LocaleBody,
        response: responsesOf({ method: 'PUT', access: 'session', ok: { 204: NoContent } }),
      },
    },
    async (request, reply) => {
      const { account } = await app.requireSession(request);
      await chooseAccountLocale(deps, account.id, request.body.locale);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/account/audit-events',
    {
      schema: {
        operationId: 'listAccountAuditEvents',
        summary: "The account's own security events (Security activity), newest first, a page at a time",
        tags,
        security,
        querystring: AccountAuditQuery,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: AuditEvents }, problems: ['invalid_request'] }),
      },
    },
    async (request) => {
      const { account } = await app.requireSession(request);
      return listAccountAuditEvents(deps, account.id, request.query);
    },
  );
}
