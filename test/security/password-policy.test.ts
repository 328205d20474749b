import { afterEach, describe, expect, it } from 'vitest';
import { findPasswordProblem, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../src/domain/password-policy.js';
import { AppError } from '../../src/domain/errors.js';
import { addMember, createAccount } from '../../src/services/operator.js';
import { describeEachDialect } from '../support/database.js';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * NIST SP 800-63B §3.1.1.2 as src/domain/password-policy.ts applies it: at least 8 code
 * points, long passphrases welcome and never truncated, a blocklist of common passwords,
 * no composition rules.
 */

describe('password policy (findPasswordProblem)', () => {
  it('refuses fewer than 8 code points and accepts 8, counting code points rather than UTF-16 units', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(findPasswordProblem('')).toMatch(/at least 8/);
    expect(findPasswordProblem('Zq7#kP2')).toMatch(/at least 8/);
    expect(findPasswordProblem('Zq7#kP2x')).toBeNull();
    // Seven emoji are 14 UTF-16 units but 7 characters; eight are enough.
    expect(findPasswordProblem('🦊🐙🦉🐝🦔🐢🦩')).toMatch(/at least 8/);
    expect(findPasswordProblem('🦊🐙🦉🐝🦔🐢🦩🐳')).toBeNull();
  });

  it('accepts long passphrases: 64 and 256 code points, refusing only beyond 256', () => {
    expect(PASSWORD_MAX_LENGTH).toBe(256);
    expect(findPasswordProblem('correct horse battery staple '.repeat(3).slice(0, 64))).toBeNull();
    expect(findPasswordProblem('xK9!'.repeat(64))).toBeNull();
    expect(findPasswordProblem('ü'.repeat(256))).toBeNull();
    expect(findPasswordProblem('xK9!'.repeat(64) + 'z')).toMatch(/at most 256/);
  });

  it('refuses common passwords, whatever their case', () => {
    for (const common of ['password1', 'qwerty123', 'Password1', 'QWERTY123', 'iloveyou', '12345678']) {
      expect(findPasswordProblem(common), common).toMatch(/too common/);
    }
  });

  it('imposes no composition rules: no digits, symbols or mixed case required', () => {
    for (const plain of ['aaaaaaaaaaaaaaaab', 'correct horse battery staple', 'lowercaseonlyphrase', 'пароль для входа', '弱いパスワードではない']) {
      expect(findPasswordProblem(plain), plain).toBeNull();
    }
  });
});

describeEachDialect('passwords are never truncated (%s)', (dialect) => {
  let h: Harness;
  afterEach(async () => h?.close());

  it('a 100-character password and the same with its last character changed are different passwords', async () => {
    h = await createHarness(dialect);
    const { workspaceId } = await h.tenant('Acme');
    const password = 'Long passphrase that goes on and on, well past any bcrypt-style 72-byte cut-off, to be sure.'.padEnd(99, '!') + 'A';
    const changed = password.slice(0, 99) + 'B';
    expect([...password]).toHaveLength(100);
    await createAccount(h.deps, { email: 'long@example.com', name: 'Long', password });
    await addMember(h.deps, { workspaceId, email: 'long@example.com', role: 'developer' });

    const wrong = await h.api('POST', '/api/v1/auth/login', { body: { email: 'long@example.com', password: changed } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    const right = await h.api('POST', '/api/v1/auth/login', { body: { email: 'long@example.com', password } });
    expect(right.status).toBe(200);
    expect(right.body.status).toBe('authenticated');
  });

  it('account creation refuses short and common passwords with weak_password', async () => {
    h = await createHarness(dialect);
    for (const weak of ['short1!', 'password1', 'qwerty123']) {
      const error = await createAccount(h.deps, { email: `weak-${weak.length}-${weak[0]}@example.com`, name: 'Weak', password: weak }).catch((e: unknown) => e);
      expect(error, weak).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('weak_password');
    }
    expect(await h.deps.db.selectFrom('accounts').select('id').execute()).toEqual([]);
  });
});
