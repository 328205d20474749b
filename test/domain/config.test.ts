import { dirname, isAbsolute, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');

/** The ConfigError `loadConfig(env)` throws (fails the test when it does not throw one). */
function configErrorFor(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('listens on 127.0.0.1:3000', () => {
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
  });

  it('keeps data in ./data, resolved to an absolute path', () => {
    expect(config.dataDir).toBe(resolve('./data'));
    expect(isAbsolute(config.dataDir)).toBe(true);
  });

  it('uses a SQLite file inside DATA_DIR', () => {
    expect(isAbsolute(config.databaseUrl)).toBe(true);
    expect(dirname(config.databaseUrl)).toBe(config.dataDir);
    expect(config.databaseUrl).not.toMatch(/^postgres/);
  });

  it('ends sessions after 30 idle minutes and 12 hours in all', () => {
    expect(config.sessionIdleSeconds).toBe(30 * 60);
    expect(config.sessionAbsoluteSeconds).toBe(12 * 60 * 60);
  });

  it('keeps audit events for 400 days', () => {
    expect(config.auditRetentionDays).toBe(400);
  });

  it('leaves the optional settings unset', () => {
    expect(config.secretKey).toBeUndefined();
    expect(config.previousSecretKeys).toEqual([]);
    expect(config.publicUrl).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.mailFrom.length).toBeGreaterThan(0);
  });

  it('treats empty variables as unset', () => {
    const fromEmpty = loadConfig({ PORT: '', HOST: '', DATA_DIR: '', LOG_LEVEL: '', SECRET_KEY: '' });
    expect(fromEmpty).toEqual(config);
  });
});

describe('loadConfig with values', () => {
  it('reads every documented variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      DATA_DIR: '/srv/mpp',
      DATABASE_URL: 'postgres://u:p@db:5432/mpp',
      SECRET_KEY: KEY_A,
      SECRET_KEY_PREVIOUS: `${KEY_B},${KEY_A}`,
      PUBLIC_URL: 'https://console.example.com',
      SMTP_URL: 'smtps://user:pass@smtp.example.com:465',
      MAIL_FROM: 'MPP <no-reply@example.com>',
      LOG_LEVEL: 'warn',
      SESSION_IDLE_MINUTES: '15',
      SESSION_ABSOLUTE_HOURS: '8',
      AUDIT_RETENTION_DAYS: '90',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/mpp',
      databaseUrl: 'postgres://u:p@db:5432/mpp',
      secretKey: KEY_A,
      previousSecretKeys: [KEY_B, KEY_A],
      publicUrl: 'https://console.example.com',
      smtpUrl: 'smtps://user:pass@smtp.example.com:465',
      mailFrom: 'MPP <no-reply@example.com>',
      logLevel: 'warn',
      sessionIdleSeconds: 15 * 60,
      sessionAbsoluteSeconds: 8 * 60 * 60,
      auditRetentionDays: 90,
    });
  });

  it('puts the default database file in a given DATA_DIR', () => {
    const config = loadConfig({ DATA_DIR: '/var/lib/mpp-2fa' });
    expect(dirname(config.databaseUrl)).toBe('/var/lib/mpp-2fa');
  });

  it('accepts port 0 (any free port)', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });
});

describe('loadConfig refuses invalid values', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '3000abc'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['SECRET_KEY', 'short'],
    ['SECRET_KEY', Buffer.alloc(16, 1).toString('base64')],
    ['SECRET_KEY', Buffer.alloc(33, 1).toString('base64')],
    ['SECRET_KEY_PREVIOUS', `${KEY_A},nope`],
    ['SMTP_URL', 'http://smtp.example.com'],
    ['SMTP_URL', 'smtp.example.com:25'],
    ['PUBLIC_URL', 'console.example.com'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_LEVEL', 'INFO'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['SESSION_ABSOLUTE_HOURS', 'twelve'],
    ['AUDIT_RETENTION_DAYS', '0'],
    ['AUDIT_RETENTION_DAYS', '-5'],
    ['AUDIT_RETENTION_DAYS', '1.5'],
    ['AUDIT_RETENTION_DAYS', 'forever'],
    ['AUDIT_RETENTION_DAYS', '36501'],
  ])('%s=%j', (name, value) => {
    const error = configErrorFor({ [name]: value });
    expect(error.problems.some((p) => p.startsWith(name))).toBe(true);
  });

  it('reports every problem together in one ConfigError', () => {
    const error = configErrorFor({ PORT: 'abc', SECRET_KEY: 'short', SMTP_URL: 'http://mail', LOG_LEVEL: 'loud' });
    for (const name of ['PORT', 'SECRET_KEY', 'SMTP_URL', 'LOG_LEVEL']) {
      expect(
        error.problems.some((p) => p.startsWith(`${name}:`)),
        name,
      ).toBe(true);
      expect(error.message).toContain(name);
    }
    expect(error.name).toBe('ConfigError');
  });

  it('names each bad variable once, with what it accepts (a readable list)', () => {
    const error = configErrorFor({ LOG_LEVEL: 'loud', PORT: 'abc' });
    expect(error.problems.filter((p) => p.startsWith('LOG_LEVEL'))).toHaveLength(1);
    expect(error.problems.filter((p) => p.startsWith('PORT'))).toHaveLength(1);
    const logLevel = error.problems.find((p) => p.startsWith('LOG_LEVEL'))!;
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) expect(logLevel).toContain(level);
  });

  it('does not echo a secret value into the problem list', () => {
    const almostKey = Buffer.alloc(31, 9).toString('base64');
    const error = configErrorFor({ SECRET_KEY: almostKey });
    expect(error.message).not.toContain(almostKey);
  });
});

describe('the loaded configuration is frozen', () => {
  it('cannot be changed', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.port).toBe(3000);
  });

  it('its list of previous keys cannot be changed either', () => {
    const config = loadConfig({ SECRET_KEY: KEY_A, SECRET_KEY_PREVIOUS: KEY_B });
    expect(Object.isFrozen(config.previousSecretKeys)).toBe(true);
  });
});

describe('TRUST_PROXY', () => {
  it("refuses true, naming what to write instead (the left of X-Forwarded-For is the client's own)", () => {
    const error = configErrorFor({ TRUST_PROXY: 'true' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(/^TRUST_PROXY: .*number of proxies.*addresses\/CIDRs/);
  });

  it.each(['abc', 'yes', '10.0.0.1/33', 'fd00::/129', '10.0.0.0/8, nope', '1.2.3', '10.0.0.1/8/8', ' , '])(
    'refuses %j with a readable problem, not a crash later',
    (value) => {
      const error = configErrorFor({ TRUST_PROXY: value });
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(/^TRUST_PROXY: /);
    },
  );

  it.each([
    ['false', false],
    ['1', 1],
    ['2', 2],
    ['10.0.0.1', '10.0.0.1'],
    ['10.0.0.0/8, 192.168.1.0/255.255.255.0, fd00::/8', '10.0.0.0/8,192.168.1.0/255.255.255.0,fd00::/8'],
    ['loopback,uniquelocal', 'loopback,uniquelocal'],
  ])('accepts %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });
});
