import {
  deactivateTwoFactor,
  getTwoFactorStatus,
  regenerateRecoveryCodes,
  sendDeactivationEmailCode,
  startActivation,
  verifyActivation,
} from '../../services/account-two-factor.js';
import { listAccountAuditEvents } from '../../services/audit-log.js';
import { listDevices } from '../../services/devices.js';
import { readDeviceCookies } from '../session-cookie.js';
import type { HttpApp } from '../http-app.js';
import { ActivationVerified, AuditEvents, Devices, EmailCodeSent, PendingTotp, RecoveryCodes, TwoFactorOff, TwoFactorStatus } from '../contract.js';
import { responsesOf, securityOf } from '../responses.js';
import { ActivationVerifyBody, DeactivationBody, RegenerateBody } from '../schemas.js';

const tags = ['account two-factor'];
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
        summary: 'Turn two-factor authentication off with the password and a code',
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

  app.post(
    '/api/v1/account/two-factor/recovery-codes',
    {
      schema: {
        operationId: 'regenerateRecoveryCodes',
        summary: 'New recovery codes with the password and an authenticator code',
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

  app.get(
    '/api/v1/account/audit-events',
    {
      schema: {
        operationId: 'listAccountAuditEvents',
        summary: "The account's own two-factor events, newest first",
        tags,
        security,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: AuditEvents } }),
      },
    },
    async (request) => {
      const { account } = await app.requireSession(request);
      return listAccountAuditEvents(deps, account.id);
    },
  );
}
