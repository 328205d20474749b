import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { updatePolicy } from '../../src/services/operator.js';
import { createOutboxSender, type OutboxSender } from '../../src/services/outbox.js';
import { createWebhook, webhookOutboxHandler } from '../../src/services/webhooks.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness } from '../support/harness.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 answering each request with the next status of `statuses` (then 200). */
async function startReceiver(statuses: number[] = []): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(statuses.shift() ?? 200, { 'content-type': 'text/plain' }).end('a body the delivery log does not keep');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

/** Standard Webhooks verification, written out here apart from the server's code. */
function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${body}`)
    .digest();
  return String(headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature = ''] = entry.split(',');
      const actual = Buffer.from(signature, 'base64');
      return version === 'v1' && actual.length === expected.length && timingSafeEqual(actual, expected);
    });
}

describeEachDialect('webhook delivery (%s)', (dialect) => {
  let h: Harness;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let outbox: OutboxSender;
  let acme: { superAppId: string; workspaceId: string };
  let other: { superAppId: string; workspaceId: string };
  const by = { actorAccountId: null, context: null };
  const deliveries = () => h.deps.db.selectFrom('webhook_deliveries').selectAll().orderBy('created_at').execute();

  beforeEach(async () => {
    h = await createHarness(dialect);
    h.deps.webhooks = { allowPrivate: false, allowLocalhost: true, timeoutMs: 2000 };
    outbox = createOutboxSender(h.deps, { webhook: webhookOutboxHandler });
    acme = await h.tenant('Acme Super App');
    other = await h.tenant('Other Super App');
  });
  afterEach(async () => {
    await new Promise((done) => (receiver ? receiver.server.close(done) : done(undefined)));
    receiver = undefined;
    await h?.close();
  });

  it('posts the audited event with a valid Standard Webhooks signature, once', async () => {
    receiver = await startReceiver();
    const hook = await createWebhook(h.deps, acme.superAppId, { url: receiver.url, events: ['policy.changed'] }, by);
    await updatePolicy(h.deps, acme.superAppId, { required: true });
    expect(await outbox.runOnce()).toBe(1);

    expect(receiver.received).toHaveLength(1);
    const [{ headers, body }] = receiver.received as [Received];
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(h.clock.now().getTime() / 1000)));
    expect(verifySignature(hook.secret, headers, body)).toBe(true);
    expect(verifySignature(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, headers, body)).toBe(false);
    const event = JSON.parse(body);
    expect(event).toMatchObject({
      id: headers['webhook-id'],
      type: 'policy.changed',
      data: { superAppId: acme.superAppId, details: { after: { required: true } } },
    });
    expect(await deliveries()).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 1, last_response_status: 200, event_type: 'policy.changed' }),
    ]);

    expect(await outbox.runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(1);
  });

  it('retries a 500 later and logs both attempts', async () => {
    receiver = await startReceiver([500]);
    await createWebhook(h.deps, acme.superAppId, { url: receiver.url, events: ['policy.changed'] }, by);
    await updatePolicy(h.deps, acme.superAppId, { required: true });
    await outbox.runOnce();
    expect(await deliveries()).toEqual([expect.objectContaining({ status: 'retrying', attempts: 1, last_response_status: 500, last_error: 'http_error' })]);
    expect(await outbox.runOnce()).toBe(0); // not due yet
    h.clock.advanceSeconds(31);
    expect(await outbox.runOnce()).toBe(1);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]!.headers['webhook-id']).toBe(receiver.received[1]!.headers['webhook-id']);
    expect(await deliveries()).toEqual([expect.objectContaining({ status: 'delivered', attempts: 2, last_response_status: 200, last_error: null })]);
  });

  it('gives up after 24 hours and logs the delivery as failed', async () => {
    receiver = await startReceiver(Array.from({ length: 100 }, () => 503));
    await createWebhook(h.deps, acme.superAppId, { url: receiver.url, events: ['policy.changed'] }, by);
    await updatePolicy(h.deps, acme.superAppId, { required: true });
    for (let hour = 0; hour <= 25; hour += 1) {
      await outbox.runOnce();
      h.clock.advanceSeconds(3600);
    }
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ status: 'failed', last_response_status: 503 });
    const sent = receiver.received.length;
    h.clock.advanceSeconds(3600);
    await outbox.runOnce();
    expect(receiver.received).toHaveLength(sent);
  });

  it('refuses, without connecting, a host that resolves to a private or loopback address', async () => {
    const looked: string[] = [];
    h.deps.webhooks = {
      allowPrivate: false,
      allowLocalhost: true,
      lookup: async (host) => {
        looked.push(host);
        return host === 'intranet.example.test' ? [{ address: '10.20.30.40', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
      },
    };
    await createWebhook(h.deps, acme.superAppId, { url: 'https://intranet.example.test/hooks', events: ['policy.changed'] }, by);
    await createWebhook(h.deps, acme.superAppId, { url: 'https://rebind.example.test/hooks', events: ['policy.changed'] }, by);
    await updatePolicy(h.deps, acme.superAppId, { required: true });
    expect(await outbox.runOnce()).toBe(2);
    expect(looked.sort()).toEqual(['intranet.example.test', 'rebind.example.test']);
    const log = await deliveries();
    expect(log).toHaveLength(2);
    for (const delivery of log) expect(delivery).toMatchObject({ status: 'refused', last_error: 'address_not_allowed', last_response_status: null });
    h.clock.advanceSeconds(3600);
    expect(await outbox.runOnce()).toBe(0); // refused, not retried
  });

  it('delivers to http://localhost through the address it checked', async () => {
    receiver = await startReceiver();
    const port = new URL(receiver.url).port;
    h.deps.webhooks = { allowPrivate: true, allowLocalhost: false, lookup: async () => [{ address: '127.0.0.1', family: 4 }] };
    await expect(createWebhook(h.deps, acme.superAppId, { url: `http://127.0.0.1:${port}/hooks`, events: ['*'] }, by)).rejects.toThrow(/https/);
    h.deps.webhooks = { allowPrivate: true, allowLocalhost: true, lookup: async () => [{ address: '127.0.0.1', family: 4 }] };
    const plain = await createWebhook(h.deps, acme.superAppId, { url: `http://localhost:${port}/hooks`, events: ['policy.changed'] }, by);
    await updatePolicy(h.deps, acme.superAppId, { required: true });
    await outbox.runOnce();
    const mine = (await deliveries()).filter((d) => d.webhook_id === plain.id);
    expect(mine).toEqual([expect.objectContaining({ status: 'delivered' })]);
    expect(receiver.received.length).toBeGreaterThanOrEqual(1);
  });

  it("sends nothing for another super app's events", async () => {
    receiver = await startReceiver();
    const hook = await createWebhook(h.deps, acme.superAppId, { url: receiver.url, events: ['*'] }, by);
    await outbox.runOnce(); // its own webhook.created
    receiver.received.length = 0;
    await createWebhook(h.deps, other.superAppId, { url: 'https://siem.example.com/other', events: ['policy.changed'] }, by);
    await updatePolicy(h.deps, other.superAppId, { required: true });
    await outbox.runOnce();
    expect(receiver.received).toEqual([]);
    expect((await deliveries()).filter((d) => d.webhook_id === hook.id).map((d) => d.event_type)).toEqual(['webhook.created']);
  });

  it('drops queued deliveries of a deleted webhook', async () => {
    receiver = await startReceiver();
    const hook = await createWebhook(h.deps, acme.superAppId, { url: receiver.url, events: ['policy.changed'] }, by);
    await updatePolicy(h.deps, acme.superAppId, { required: true });
    await h.deps.db.deleteFrom('webhook_deliveries').execute();
    await h.deps.db.deleteFrom('webhooks').where('id', '=', hook.id).execute();
    await outbox.runOnce();
    expect(receiver.received).toEqual([]);
  });
});
