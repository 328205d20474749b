import { afterEach, beforeEach, expect, it } from 'vitest';
import { createOutboxSender, enqueueOutbox, type OutboxHandler, type OutboxItem } from '../../src/services/outbox.js';
import { findOutbox } from '../../src/store/outbox.js';
import { FakeClock } from '../support/clock.js';
import { createTestDatabase, describeEachDialect, type TestDatabase } from '../support/database.js';
import { depsFor } from '../support/retention-rows.js';

/** The outbox (issue 18): rows written with the change, delivered once, retried with backoff, given up after a day. */

/** A receiver that refuses while `down` is set, like an SMTP server that is off. */
function receiver() {
  const received: OutboxItem[] = [];
  const givenUp: string[] = [];
  const state = { down: false };
  const handler: OutboxHandler = {
    async deliver(_deps, item) {
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:2525');
      received.push(item);
    },
    async giveUp(_deps, tx, item) {
      givenUp.push(item.id);
      expect(await findOutbox(tx, item.id)).toMatchObject({ status: 'failed' });
    },
  };
  return { received, givenUp, state, handler };
}

describeEachDialect('outbox sender (%s)', (dialect) => {
  let database: TestDatabase;
  let clock: FakeClock;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    clock = new FakeClock();
  });
  afterEach(async () => database?.drop());

  it('seals the payload, delivers it once and erases a mail body after sending', async () => {
    const deps = depsFor(database.handle, clock);
    const r = receiver();
    const id = await database.handle.db
      .transaction()
      .execute((tx) => enqueueOutbox(deps, tx, { kind: 'mail', payload: { to: 'a@example.com', text: 'secret 123456' } }));
    const row = await findOutbox(database.handle.db, id);
    expect(row?.payload).not.toContain('123456');
    const sender = createOutboxSender(deps, { mail: r.handler });
    await sender.deliverNow(id);
    await sender.deliverNow(id);
    expect(await sender.runOnce()).toBe(0);
    expect(r.received).toEqual([{ id, kind: 'mail', ref: null, payload: { to: 'a@example.com', text: 'secret 123456' }, attempt: 1 }]);
    expect(await findOutbox(database.handle.db, id)).toMatchObject({ status: 'sent', payload: null, sentAt: clock.now().toISOString() });
  });

  it('keeps a webhook payload after sending, with its ref', async () => {
    const deps = depsFor(database.handle, clock);
    const r = receiver();
    const id = await enqueueOutbox(deps, database.handle.db, { kind: 'webhook', ref: 'hook-1', payload: { event: 'x' } });
    await createOutboxSender(deps, { webhook: r.handler }).runOnce();
    expect(r.received[0]).toMatchObject({ ref: 'hook-1', payload: { event: 'x' } });
    expect((await findOutbox(database.handle.db, id))?.payload).not.toBeNull();
  });

  it('retries with backoff while the receiver is down and delivers once it is back', async () => {
    const deps = depsFor(database.handle, clock);
    const r = receiver();
    const sender = createOutboxSender(deps, { mail: r.handler });
    const id = await enqueueOutbox(deps, database.handle.db, { kind: 'mail', payload: { n: 1 } });
    r.state.down = true;
    await expect(sender.deliverNow(id)).rejects.toThrow('ECONNREFUSED');
    const failed = await findOutbox(database.handle.db, id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastError: 'connect ECONNREFUSED 127.0.0.1:2525' });
    clock.advanceSeconds(9);
    expect(await sender.runOnce()).toBe(0);
    clock.advanceSeconds(1);
    expect(await sender.runOnce()).toBe(1);
    clock.advanceSeconds(29);
    expect(await sender.runOnce()).toBe(0);
    clock.advanceSeconds(1);
    r.state.down = false;
    expect(await sender.runOnce()).toBe(1);
    expect(r.received.map((i) => i.attempt)).toEqual([3]);
    expect(await findOutbox(database.handle.db, id)).toMatchObject({ status: 'sent', payload: null });
  });

  it('gives up after 24 hours, calls giveUp in the same transaction and erases the body', async () => {
    const deps = depsFor(database.handle, clock);
    const r = receiver();
    r.state.down = true;
    const sender = createOutboxSender(deps, { mail: r.handler });
    const id = await enqueueOutbox(deps, database.handle.db, { kind: 'mail', payload: { n: 1 } });
    for (let i = 0; i < 40 && r.givenUp.length === 0; i += 1) {
      await sender.runOnce();
      clock.advanceSeconds(3600);
    }
    expect(r.givenUp).toEqual([id]);
    expect(await findOutbox(database.handle.db, id)).toMatchObject({ status: 'failed', payload: null });
    clock.advanceSeconds(3600);
    expect(await sender.runOnce()).toBe(0);
  });
});

describeEachDialect('two senders on one database (%s)', (dialect) => {
  let database: TestDatabase;
  afterEach(async () => database?.drop());

  it('deliver 100 queued rows once each', async () => {
    database = await createTestDatabase(dialect);
    const clock = new FakeClock();
    const deps = depsFor(database.handle, clock);
    const ids: string[] = [];
    for (let i = 0; i < 100; i += 1) ids.push(await enqueueOutbox(deps, database.handle.db, { kind: 'mail', payload: { i } }));
    const r = receiver();
    const slow: OutboxHandler = {
      deliver: async (d, item) => {
        await new Promise((done) => setTimeout(done, 1));
        await r.handler.deliver(d, item);
      },
    };
    const a = createOutboxSender(deps, { mail: slow }, { batchSize: 7 });
    const b = createOutboxSender(deps, { mail: slow }, { batchSize: 7 });
    const drain = async (s: typeof a) => {
      while ((await s.runOnce()) > 0);
    };
    await Promise.all([drain(a), drain(b), ...ids.slice(0, 20).map((id) => a.deliverNow(id))]);
    expect(r.received).toHaveLength(100);
    expect(new Set(r.received.map((i) => i.id)).size).toBe(100);
  });
});
