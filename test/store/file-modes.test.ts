import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openRuntime } from '../../src/runtime.js';
import { createSuperApp } from '../../src/services/operator.js';

/** The secrets at rest (SQLite file, its write-ahead log, the key file) are owner-only. */
describe('file modes of DATA_DIR', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function logCollector() {
    const lines: any[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    return { lines, logger: pino({ level: 'warn' }, stream) };
  }

  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('a new DATA_DIR gets a 0700 folder and 0600 database, WAL, shared-memory and key files, without a warning', async () => {
    dir = join(mkdtempSync(join(tmpdir(), 'mpp-2fa-modes-')), 'data');
    const { lines, logger } = logCollector();
    const runtime = await openRuntime(loadConfig({ DATA_DIR: dir }), { logger });
    try {
      await createSuperApp(runtime.deps, 'Acme');
      for (const name of ['mpp-2fa.sqlite', 'mpp-2fa.sqlite-wal', 'mpp-2fa.sqlite-shm', 'secret.key']) {
        expect(modeOf(join(dir, name)).toString(8), name).toBe('600');
      }
      expect(modeOf(dir).toString(8)).toBe('700');
    } finally {
      await runtime.close();
    }
    expect(lines.filter((line) => /other users/.test(line.msg))).toEqual([]);
  });

  it('an existing database file that others can read is named in a start-up warning', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpp-2fa-modes-'));
    const first = await openRuntime(loadConfig({ DATA_DIR: dir }), { logger: pino({ level: 'silent' }) });
    await first.close();
    chmodSync(join(dir, 'mpp-2fa.sqlite'), 0o644);
    const { lines, logger } = logCollector();
    const runtime = await openRuntime(loadConfig({ DATA_DIR: dir }), { logger });
    await runtime.close();
    const warning = lines.find((line) => /other users/.test(line.msg));
    // The WAL and shared-memory files take the database file's mode: all three are named.
    expect(warning?.files).toEqual(['mpp-2fa.sqlite', 'mpp-2fa.sqlite-wal', 'mpp-2fa.sqlite-shm'].map((name) => join(dir, name)));
    expect(warning?.files).not.toContain(join(dir, 'secret.key'));
  });
});
