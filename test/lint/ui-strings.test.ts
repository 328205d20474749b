import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** `mpp/no-literal-ui-string` (eslint.config.js): words a reader sees come from the catalogues, never literals in a component. */

const eslint = new ESLint({ cwd: process.cwd() });
const FILE = 'console/src/components/Fixture.tsx';

async function rulesBroken(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: FILE });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const RULE = 'mpp/no-literal-ui-string';

describe('no literal UI strings in console components', () => {
  it.each([
    ['JSX text', 'export const F = () => <p>Wrong code</p>;\n'],
    ['Chinese JSX text', 'export const F = () => <p>验证码错误</p>;\n'],
    ['a title prop', 'export const F = () => <section title="Security" />;\n'],
    ['an aria-label in braces', "export const F = () => <button aria-label={'Close'} />;\n"],
    ['a placeholder template', 'export const F = () => <input placeholder={`Email`} />;\n'],
    ['a menu item label', "export const items = [{ key: 'out', label: 'Log out' }];\n"],
    ['a prop default', "export const F = ({ label = 'Code' }: { label?: string }) => <p>{label}</p>;\n"],
    ['a …Text prop default', "export const F = ({ onText = 'On' }: { onText?: string }) => <p>{onText}</p>;\n"],
  ])('flags %s', async (_name, code) => {
    expect(await rulesBroken(code)).toContain(RULE);
  });

  it('passes t() calls, symbols and props that are not UI text', async () => {
    const code = [
      "import { useTranslation } from 'react-i18next';",
      'export function F() {',
      '  const { t } = useTranslation();',
      "  const items = [{ key: 'out', label: t('account_menu.log_out') }];",
      '  return <section title={t(\'login.tagline\')} className="login-card" data-step="password">{t(\'login.footer\')} · 123 {items.length}</section>;',
      '}',
      '',
    ].join('\n');
    expect(await rulesBroken(code)).toEqual([]);
  });
});
