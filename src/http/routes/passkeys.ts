import { startIdentityWebAuthn } from '../../services/account-two-factor.js';
import { finishPasskeyRegistration, listPasskeys, removePasskey, renamePasskey, startPasskeyRegistration } from '../../services/passkeys.js';
import type { HttpApp } from '../http-app.js';
import { NoContent, Passkey, PasskeyAdded, PasskeyRegistrationOptions, PasskeyRequestOptions, Passkeys } from '../contract.js';
import { responsesOf, securityOf } from '../responses.js';
import { PasskeyParams, PasskeyRegistrationBody, PasskeyRenameBody } from '../schemas.js';

const tags = ['account two-factor'];
const security = securityOf('session');

/** The signed-in account's passkeys and security keys (WebAuthn; docs/api-additions.md "Passkeys"). */
export function registerPasskeyRoutes(app: HttpApp): void {
  const { deps } = app;

  app.post(
    '/api/v1/account/two-factor/passkeys/registration',
    {
      schema: {
        operationId: 'startPasskeyRegistration',
        summary: 'Start adding a passkey or security key: creation options for navigator.credentials.create()',
        tags,
        security,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 201: PasskeyRegistrationOptions },
          problems: ['reauthentication_required', 'passkey_limit_reached'],
        }),
      },
    },
    async (request, reply) => reply.code(201).send(await startPasskeyRegistration(deps, await app.requireActor(request))),
  );

  app.post(
    '/api/v1/account/two-factor/passkeys',
    {
      schema: {
        operationId: 'addPasskey',
        summary: 'Finish adding a passkey or security key with its name; the first second factor also answers the recovery codes once',
        tags,
        security,
        body: PasskeyRegistrationBody,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 201: PasskeyAdded },
          problems: ['reauthentication_required', 'passkey_not_verified', 'passkey_limit_reached', 'already_exists'],
        }),
      },
    },
    async (request, reply) => reply.code(201).send(await finishPasskeyRegistration(deps, await app.requireActor(request), request.body)),
  );

  app.get(
    '/api/v1/account/two-factor/passkeys',
    {
      schema: {
        operationId: 'listPasskeys',
        summary: "The account's passkeys and security keys, oldest first",
        tags,
        security,
        response: responsesOf({ method: 'GET', access: 'session', ok: { 200: Passkeys } }),
      },
    },
    async (request) => ({ passkeys: await listPasskeys(deps, (await app.requireSession(request)).account.id) }),
  );

  app.patch(
    '/api/v1/account/two-factor/passkeys/:id',
    {
      schema: {
        operationId: 'renamePasskey',
        summary: 'Rename a passkey or security key',
        tags,
        security,
        params: PasskeyParams,
        body: PasskeyRenameBody,
        response: responsesOf({ method: 'PATCH', access: 'session', ok: { 200: Passkey }, problems: ['not_found'] }),
      },
    },
    async (request) => ({ passkey: await renamePasskey(deps, await app.requireActor(request), request.params.id, request.body.name) }),
  );

  app.delete(
    '/api/v1/account/two-factor/passkeys/:id',
    {
      schema: {
        operationId: 'removePasskey',
        summary: 'Remove a passkey or security key; the last second factor is removed by deactivation instead (409 last_second_factor)',
        tags,
        security,
        params: PasskeyParams,
        response: responsesOf({
          method: 'DELETE',
          access: 'session',
          ok: { 204: NoContent },
          problems: ['reauthentication_required', 'not_found', 'last_second_factor'],
        }),
      },
    },
    async (request, reply) => {
      await removePasskey(deps, await app.requireActor(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/account/two-factor/webauthn',
    {
      schema: {
        operationId: 'startIdentityWebAuthn',
        summary: 'Request options to prove identity with a passkey (deactivation, new recovery codes)',
        tags,
        security,
        response: responsesOf({
          method: 'POST',
          access: 'session',
          ok: { 200: PasskeyRequestOptions },
          problems: ['method_not_allowed', 'two_factor_not_active', 'too_many_attempts'],
        }),
      },
    },
    async (request) => startIdentityWebAuthn(deps, await app.requireActor(request)),
  );
}
