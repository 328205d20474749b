import { DEVICE_COOKIE_MAX_AGE_SECONDS } from '../../domain/limits.js';
import { reauthenticate } from '../../services/account-two-factor.js';
import { login } from '../../services/login.js';
import { sendChallengeEmailCode, startChallengeEnrollment, verifyChallenge } from '../../services/challenges.js';
import { describeSession, endSession } from '../../services/sessions.js';
import { switchWorkspace } from '../../services/workspace-switch.js';
import type { HttpApp } from '../app.js';
import { ChallengeParams, EnrollmentBody, LoginBody, ReauthenticateBody, SwitchWorkspaceBody, VerifyBody } from '../schemas.js';
import { clearSessionCookie, readSessionToken, requestContext, setDeviceCookie, setSessionCookie } from '../session-cookie.js';

const tags = ['auth'];

/** Login, second factor, logout and the current session (API.md "Login"). */
export function registerAuthRoutes(app: HttpApp): void {
  const { deps, cookiePolicy: cookies } = app;
  const maxAge = deps.sessionAbsoluteSeconds;

  app.post('/api/v1/auth/login', { schema: { tags, body: LoginBody } }, async (request, reply) => {
    const result = await login(deps, request.body, requestContext(request, cookies));
    if (result.status !== 'authenticated') return result;
    const { sessionToken, deviceCookie, ...body } = result;
    await endSession(deps, readSessionToken(request, cookies));
    setSessionCookie(reply, cookies, sessionToken, maxAge);
    setDeviceCookie(reply, cookies, deviceCookie, DEVICE_COOKIE_MAX_AGE_SECONDS);
    return body;
  });

  app.post('/api/v1/auth/challenges/:id/email-code', { schema: { tags, params: ChallengeParams } }, async (request, reply) => {
    return reply.code(202).send(await sendChallengeEmailCode(deps, request.params.id, requestContext(request, cookies)));
  });

  // The body is optional (only a challenge that also offers email needs `code`): none counts as `{}`.
  const emptyBodyAsObject = async (request: { body: unknown }) => {
    request.body ??= {};
  };
  app.post('/api/v1/auth/challenges/:id/enrollment', { schema: { tags, params: ChallengeParams, body: EnrollmentBody }, preValidation: emptyBodyAsObject }, async (request) => {
    return startChallengeEnrollment(deps, request.params.id, request.body?.code, requestContext(request, cookies));
  });

  app.post('/api/v1/auth/challenges/:id/verify', { schema: { tags, params: ChallengeParams, body: VerifyBody } }, async (request, reply) => {
    const current = readSessionToken(request, cookies);
    const { sessionToken, deviceCookie, recoveryCodes, ...body } = await verifyChallenge(deps, request.params.id, request.body, requestContext(request, cookies), current);
    // A sign-in replaces whatever session the browser held: never two ids for one browser.
    await endSession(deps, current);
    setSessionCookie(reply, cookies, sessionToken, maxAge);
    if (deviceCookie) setDeviceCookie(reply, cookies, deviceCookie, DEVICE_COOKIE_MAX_AGE_SECONDS);
    return recoveryCodes ? { ...body, recoveryCodes } : body;
  });

  app.post('/api/v1/auth/logout', { schema: { tags } }, async (request, reply) => {
    await endSession(deps, readSessionToken(request, cookies));
    clearSessionCookie(reply, cookies);
    return reply.code(204).send();
  });

  app.get('/api/v1/session', { schema: { tags } }, async (request) => describeSession(deps, await app.requireSession(request)));

  app.post('/api/v1/session/workspace', { schema: { tags, body: SwitchWorkspaceBody } }, async (request, reply) => {
    const result = await switchWorkspace(deps, await app.requireActor(request), request.body.workspaceId);
    if (result.status !== 'authenticated') return result;
    const { sessionToken, ...body } = result;
    setSessionCookie(reply, cookies, sessionToken, maxAge);
    return body;
  });

  app.post('/api/v1/session/reauthenticate', { schema: { tags, body: ReauthenticateBody } }, async (request) => {
    return { authenticatedAt: await reauthenticate(deps, await app.requireActor(request), request.body.password) };
  });
}
