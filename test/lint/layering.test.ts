import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering of STYLE.md lives in eslint.config.js; these cases prove each rule bites
 * (a file that breaks it is reported) and that the allowed direction passes.
 */

const eslint = new ESLint({ cwd: process.cwd() });

async function rulesBroken(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('layering rules', () => {
  it.each([
    ['domain/ importing a framework', 'src/domain/fixture.ts', "import { sql } from 'kysely';\nexport const q = sql;\n", 'no-restricted-imports'],
    [
      'domain/ importing node:crypto',
      'src/domain/fixture.ts',
      "import { randomBytes } from 'node:crypto';\nexport const r = randomBytes;\n",
      'no-restricted-imports',
    ],
    [
      'domain/ importing the store',
      'src/domain/fixture.ts',
      "import { emailKey } from '../store/accounts.js';\nexport const k = emailKey;\n",
      'import-x/no-restricted-paths',
    ],
    ['domain/ reading the clock', 'src/domain/fixture.ts', 'export const now = () => Date.now();\n', 'no-restricted-syntax'],
    [
      'a service importing HTTP',
      'src/services/fixture.ts',
      "import { sendProblem } from '../http/problems.js';\nexport const s = sendProblem;\n",
      'import-x/no-restricted-paths',
    ],
    [
      'a route importing the store',
      'src/http/routes/fixture.ts',
      "import { emailKey } from '../../store/accounts.js';\nexport const k = emailKey;\n",
      'import-x/no-restricted-paths',
    ],
    [
      'a route importing app.ts',
      'src/http/routes/fixture.ts',
      "import { buildApp } from '../app.js';\nexport const b = buildApp;\n",
      'import-x/no-restricted-paths',
    ],
    [
      'the store importing a service',
      'src/store/fixture.ts',
      "import { newId } from '../services/deps.js';\nexport const n = newId;\n",
      'import-x/no-restricted-paths',
    ],
    [
      'the console importing server code',
      'console/src/fixture.ts',
      "import { emailKey } from '../../src/store/accounts.js';\nexport const k = emailKey;\n",
      'import-x/no-restricted-paths',
    ],
    [
      'a service taking a database row',
      'src/services/fixture.ts',
      "import type { AccountRow } from '../store/schema.js';\nexport const f = (row: AccountRow) => row.id;\n",
      'no-restricted-imports',
    ],
    [
      'a service building a query',
      'src/services/fixture.ts',
      "import type { Deps } from './deps.js';\nexport const f = (deps: Deps) => deps.db.selectFrom('accounts').selectAll().execute();\n",
      'no-restricted-syntax',
    ],
    [
      'HTTP code building a query',
      'src/http/fixture.ts',
      "import type { Deps } from '../services/deps.js';\nexport const f = (deps: Deps) => deps.db.deleteFrom('sessions').execute();\n",
      'no-restricted-syntax',
    ],
    ['an unused import', 'src/services/fixture.ts', "import { newId } from './deps.js';\nexport const x = 1;\n", '@typescript-eslint/no-unused-vars'],
  ])('reports %s', async (_name, filePath, code, rule) => {
    expect(await rulesBroken(filePath, code)).toContain(rule);
  });

  it('lets dependencies point inward: a route calling a service, a service using the store and domain', async () => {
    expect(await rulesBroken('src/http/routes/fixture.ts', "import { login } from '../../services/login.js';\nexport const l = login;\n")).toEqual([]);
    expect(
      await rulesBroken(
        'src/services/fixture.ts',
        "import { emailKey } from '../store/accounts.js';\nimport { addSeconds } from '../domain/ports.js';\nimport type { Tx } from '../store/schema.js';\nexport const x = [emailKey, addSeconds];\nexport type T = Tx;\n",
      ),
    ).toEqual([]);
  });
});
