import { afterEach, expect, it } from 'vitest';
import { createSecretBox, type SecretBox } from '../../src/adapters/secret-box.js';
import { decodeTotpKey } from '../../src/domain/totp.js';
import { buildApp, type HttpApp } from '../../src/http/app.js';
import type { Deps } from '../../src/services/deps.js';
import { mailOutboxHandler, queueMail } from '../../src/services/mail.js';
import { createOutboxSender } from '../../src/services/outbox.js';
import { rotateSecrets, rotateTotpSecrets } from '../../src/services/secret-rotation.js';
import { createWebhook } from '../../src/services/webhooks.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness, PASSWORD } from '../support/harness.js';

/**
 * SPEC: TOTP secrets are encrypted at rest (AES-256-GCM). Changing SECRET_KEY keeps the old
 * key for reading (SECRET_KEY_PREVIOUS) while `mpp-2fa secrets rotate` re-seals every row;
 * afterwards the new key alone reads everything and every account can still sign in.
 */

/** The key the harness seals with (test/support/harness.ts). */
const OLD_KEY = Buffer.alloc(32, 7);
const NEW_KEY = Buffer.alloc(32, 9);
const ACCOUNTS = ['a1@example.com', 'a2@example.com', 'a3@example.com', 'a4@example.com', 'a5@example.com'];
const PENDING = 'pending@example.com';

describeEachDialect('secret key rotation (%s)', (dialect) => {
  let h: Harness;
  const extraApps: HttpApp[] = [];
  afterEach(async () => {
    for (const app of extraApps.splice(0)) await app.close();
    await h?.close();
  });

  /** Deps of another server process on the same database, with its own key list. */
  function depsWith(secretBox: SecretBox): Deps {
    return { ...h.deps, db: h.database.handle.db, secretBox };
  }

  async function appWith(secretBox: SecretBox): Promise<HttpApp> {
    const app = await buildApp(depsWith(secretBox));
    extraApps.push(app);
    return app;
  }

  async function post(app: HttpApp, url: string, payload?: object, cookie?: string) {
    const response = await app.inject({ method: 'POST', url, ...(payload ? { payload } : {}), headers: cookie ? { cookie: `mpp_session=${cookie}` } : {} });
    return { status: response.statusCode, body: JSON.parse(response.body || 'null'), cookie: response.cookies.find((c) => c.name === 'mpp_session')?.value };
  }

  /** Password, then the authenticator code, through `app`; the final status. */
  async function signIn(app: HttpApp, email: string, key: Uint8Array): Promise<number> {
    const first = await post(app, '/api/v1/auth/login', { email, password: PASSWORD });
    expect(first.body.status, JSON.stringify(first.body)).toBe('second_factor_required');
    const second = await post(app, `/api/v1/auth/challenges/${first.body.challenge.id}/verify`, { method: 'totp', code: h.totp(key) });
    return second.status;
  }

  /** Five accounts with an active authenticator, one with a pending one; the keys by email. */
  async function accountsWithTotp() {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    const keys = new Map<string, Uint8Array>();
    for (const email of ACCOUNTS) {
      await h.member(workspaceId, email);
      keys.set(email, (await h.activateTotp(await h.loginSession(email))).key);
    }
    await h.member(workspaceId, PENDING);
    const pendingSession = await h.loginSession(PENDING);
    const started = await h.api('POST', '/api/v1/account/two-factor/activation', { cookie: pendingSession });
    expect(started.status).toBe(201);
    keys.set(PENDING, decodeTotpKey(started.body.secret));
    return { keys, pendingSession };
  }

  async function sealedRows() {
    return h.deps.db
      .selectFrom('totp_factors')
      .innerJoin('accounts', 'accounts.id', 'totp_factors.account_id')
      .select(['accounts.email_key as email', 'totp_factors.account_id', 'totp_factors.secret_sealed'])
      .orderBy('accounts.email_key')
      .execute();
  }

  it('rotation re-seals every secret under the new key; both key orders read during it; the new key alone signs everyone in after it', async () => {
    const { keys, pendingSession } = await accountsWithTotp();
    const oldOnly = createSecretBox([OLD_KEY]);
    const newOnly = createSecretBox([NEW_KEY]);
    const newFirst = createSecretBox([NEW_KEY, OLD_KEY]);
    const oldFirst = createSecretBox([OLD_KEY, NEW_KEY]);
    for (const row of await sealedRows()) expect(oldOnly.isCurrent(row.secret_sealed)).toBe(true);

    // A rotation that stops after two rows (a crash mid-way) leaves a mix of old and new.
    let sealsLeft = 2;
    const interrupted: SecretBox = {
      ...newFirst,
      seal: (plain, context) => {
        if (sealsLeft-- <= 0) throw new Error('process killed');
        return newFirst.seal(plain, context);
      },
    };
    await expect(rotateTotpSecrets(depsWith(interrupted))).rejects.toThrow('process killed');
    const mixed = await sealedRows();
    expect(mixed.filter((r) => newOnly.isCurrent(r.secret_sealed))).toHaveLength(2);
    expect(mixed.filter((r) => oldOnly.isCurrent(r.secret_sealed))).toHaveLength(4);
    for (const row of mixed) {
      const expected = Buffer.from(keys.get(row.email)!);
      expect(Buffer.from(newFirst.open(row.secret_sealed, row.account_id))).toEqual(expected);
      expect(Buffer.from(oldFirst.open(row.secret_sealed, row.account_id))).toEqual(expected);
    }
    const duringApp = await appWith(newFirst);
    for (const email of ACCOUNTS) expect(await signIn(duringApp, email, keys.get(email)!), email).toBe(200);

    // Finishing the rotation touches only what is left; running it again changes nothing.
    expect(await rotateTotpSecrets(depsWith(newFirst))).toEqual({ scanned: 6, rotated: 4 });
    expect(await rotateTotpSecrets(depsWith(newFirst))).toEqual({ scanned: 6, rotated: 0 });
    for (const row of await sealedRows()) {
      expect(newOnly.isCurrent(row.secret_sealed), row.email).toBe(true);
      expect(Buffer.from(newOnly.open(row.secret_sealed, row.account_id))).toEqual(Buffer.from(keys.get(row.email)!));
      expect(() => oldOnly.open(row.secret_sealed, row.account_id)).toThrow();
    }

    // A server that knows only the new key signs in every account, and finishes the pending activation.
    h.clock.advanceSeconds(30);
    const afterApp = await appWith(newOnly);
    for (const email of ACCOUNTS) expect(await signIn(afterApp, email, keys.get(email)!), email).toBe(200);
    const activated = await post(afterApp, '/api/v1/account/two-factor/activation/verify', { code: h.totp(keys.get(PENDING)!) }, pendingSession);
    expect(activated.status, JSON.stringify(activated.body)).toBe(200);
    h.clock.advanceSeconds(30);
    expect(await signIn(afterApp, PENDING, keys.get(PENDING)!)).toBe(200);
  });

  it('an email code mailed just before the key change still verifies on a server with the new key first', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Mail Co', { required: true, primaryMethod: 'email', secondaryMethod: null });
    await h.member(workspaceId, 'carol@example.com');
    const login = await h.api('POST', '/api/v1/auth/login', { body: { email: 'carol@example.com', password: PASSWORD } });
    const challengeId = login.body.challenge.id;
    expect((await h.api('POST', `/api/v1/auth/challenges/${challengeId}/email-code`)).status).toBe(202);
    const code = h.mailer.lastCode('carol@example.com');

    // The servers restart with SECRET_KEY=new, SECRET_KEY_PREVIOUS=old while the mail is read.
    h.clock.advanceSeconds(60);
    const restarted = await appWith(createSecretBox([NEW_KEY, OLD_KEY]));
    const verified = await post(restarted, `/api/v1/auth/challenges/${challengeId}/verify`, { method: 'email', code });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  });

  it('secrets rotate also re-seals webhook secrets and the bodies still in the outbox: the new key alone then opens and sends them', async () => {
    h = await createHarness(dialect);
    const { superAppId, workspaceId } = await h.tenant('Acme');
    const alice = await h.member(workspaceId, 'alice@example.com');
    const webhook = await createWebhook(
      h.deps,
      superAppId,
      { url: 'https://siem.example.com/hook', events: ['two_factor.activated'] },
      { actorAccountId: null, context: null },
    );
    // A mail queued under the old key and not sent yet (the mail server was down).
    const mailId = await h.deps.db
      .transaction()
      .execute((tx) => queueMail(h.deps, tx, { id: alice.id, email: alice.email, locale: null }, { kind: 'password_changed' }));
    const newFirst = createSecretBox([NEW_KEY, OLD_KEY]);
    const newOnly = createSecretBox([NEW_KEY]);

    expect(await rotateSecrets(depsWith(newFirst))).toMatchObject({ webhookSecretsScanned: 1, webhookSecretsRotated: 1, outboxScanned: 1, outboxRotated: 1 });
    expect(await rotateSecrets(depsWith(newFirst))).toMatchObject({ webhookSecretsRotated: 0, outboxRotated: 0 });

    const row = await h.deps.db.selectFrom('webhooks').select('secret_sealed').where('id', '=', webhook.id).executeTakeFirstOrThrow();
    expect(`whsec_${Buffer.from(newOnly.open(row.secret_sealed, `webhook:${webhook.id}`)).toString('base64')}`).toBe(webhook.secret);
    const sender = createOutboxSender(depsWith(newOnly), { mail: mailOutboxHandler });
    await sender.deliverNow(mailId);
    expect(h.mailer.to(alice.email).map((mail) => mail.subject)).toEqual(['Mini Program Platform: Your password was changed']);
  });
});
