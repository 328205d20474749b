// ESLint for src/, console/src/, test/, bench/ and scripts/: typescript-eslint's
// recommended rules, no unused imports, and the layering of STYLE.md as import rules per
// folder (`npm run lint`, run by `npm test`). Formatting is Prettier's (.prettierrc.json).
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Folders of src/ and what each may not import (STYLE.md "Layering": dependencies point inward). */
const LAYERS = [
  {
    target: './src/domain',
    from: ['./src/adapters', './src/store', './src/services', './src/http', './src/cli', './src/config.ts', './src/runtime.ts', './src/main.ts'],
    message: 'domain/ is the core: it imports no other layer.',
  },
  {
    target: './src/store',
    from: ['./src/services', './src/http', './src/cli', './src/runtime.ts', './src/main.ts'],
    message: 'store/ is below services/: it never imports services, HTTP or the CLI.',
  },
  {
    target: './src/adapters',
    from: ['./src/store', './src/services', './src/http', './src/cli', './src/runtime.ts', './src/main.ts'],
    message: 'adapters/ implement ports: they import no store, service, HTTP or CLI code.',
  },
  { target: './src/services', from: ['./src/http', './src/cli', './src/runtime.ts', './src/main.ts'], message: 'services/ never import HTTP or the CLI.' },
  {
    target: './src/http/routes',
    from: ['./src/store', './src/http/app.ts'],
    message: 'Routes call services (never the store) and are plugins that import nothing from app.ts.',
  },
  { target: './src/http', from: ['./src/cli'], message: 'http/ never imports the CLI.' },
  { target: './src/cli', from: ['./src/http/routes'], message: 'The CLI calls services, not routes.' },
];

/** Props (and option fields) whose value a reader sees or hears: they take a catalogue phrase, never a literal. */
const UI_PROPS = new Set([
  'title',
  'label',
  'placeholder',
  'aria-label',
  'alt',
  'okText',
  'cancelText',
  'description',
  'message',
  'content',
  'tooltip',
  'extra',
  'help',
]);
const HAS_LETTER = /\p{L}/u;

/**
 * `mpp/no-literal-ui-string`: words a reader sees come from the catalogues (console/src/i18n,
 * `t('section.key')`), so both languages show them. Flags JSX text with letters and string
 * literals given to the props of UI_PROPS, as a JSX attribute, an option object's field or a prop's default.
 */
const noLiteralUiString = {
  meta: { type: 'problem', messages: { literal: 'UI text "{{text}}" is a literal: put it in console/src/i18n/en.ts and zh-CN.ts and use t().' } },
  create(context) {
    const report = (node, text) => context.report({ node, messageId: 'literal', data: { text: text.trim().slice(0, 40) } });
    const literalText = (node) => {
      if (!node) return undefined;
      if (node.type === 'JSXExpressionContainer') return literalText(node.expression);
      if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
      if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked ?? '').join(' ');
      return undefined;
    };
    const propName = (key) =>
      key.type === 'Identifier' ? key.name : key.type === 'Literal' ? String(key.value) : key.type === 'JSXIdentifier' ? key.name : undefined;
    return {
      JSXText(node) {
        if (HAS_LETTER.test(node.value)) report(node, node.value);
      },
      JSXAttribute(node) {
        const text = UI_PROPS.has(propName(node.name) ?? '') ? literalText(node.value) : undefined;
        if (text !== undefined && HAS_LETTER.test(text)) report(node, text);
      },
      Property(node) {
        const text = !node.computed && UI_PROPS.has(propName(node.key) ?? '') ? literalText(node.value) : undefined;
        if (text !== undefined && HAS_LETTER.test(text)) report(node, text);
      },
      // A prop's default (`{ label = '…' }`, `onText = 'On'`) is shown as much as a passed value.
      AssignmentPattern(node) {
        const name = node.left.type === 'Identifier' ? node.left.name : '';
        const text = UI_PROPS.has(name) || /(Text|Label)$/.test(name) ? literalText(node.right) : undefined;
        if (text !== undefined && HAS_LETTER.test(text)) report(node, text);
      },
    };
  },
};

/** Packages that tie code to a runtime or framework: domain/ imports none of them. */
const NOT_IN_DOMAIN = ['node:*', 'fastify', '@fastify/*', 'kysely', 'pg', 'better-sqlite3', 'nodemailer', 'pino', '@node-rs/*'];

/** What store/schema.ts says about tables (the Database type, every `…Row`): rows stop at the store, which maps them to camelCase types. */
const ROW_TYPES = '^(Database|\\w+Row|\\w+Table)$';

export default tseslint.config(
  { ignores: ['dist/**', 'console/dist/**', 'node_modules/**', 'reports/**', 'coverage/**', 'bench/results/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.test.json', 'console/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-duplicates': 'error',
      'import-x/first': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: LAYERS }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/services/**/*.ts', 'src/http/**/*.ts', 'src/cli/**/*.ts', 'src/runtime.ts', 'src/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/store/schema.js'],
              importNamePattern: ROW_TYPES,
              message: 'Rows stop at the store: use the camelCase types its modules return (Db, Tx and DatabaseConnection are fine).',
            },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(selectFrom|selectNoFrom|updateTable|insertInto|deleteFrom|replaceInto)$/]',
          message: 'Queries live in store/: call a store function.',
        },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: NOT_IN_DOMAIN, message: 'domain/ imports no runtime, framework or driver (STYLE.md "Layering" 1); take it through a port.' }] },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'domain/ gets the time through Clock (STYLE.md "Layering" 2).' },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'domain/ gets the time through Clock (STYLE.md "Layering" 2).',
        },
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
          message: 'domain/ gets randomness through Random (STYLE.md "Layering" 2).',
        },
      ],
      'no-restricted-globals': ['error', { name: 'crypto', message: 'domain/ gets randomness through Random (STYLE.md "Layering" 2).' }],
    },
  },
  {
    files: ['console/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './console/src',
              from: './src',
              except: ['./domain/errors.ts', './http/contract.ts'],
              message: 'The console shares only the contract with the server (types from src/http/contract.ts and src/domain/errors.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['console/src/**/*.tsx'],
    plugins: { mpp: { rules: { 'no-literal-ui-string': noLiteralUiString } } },
    rules: { 'mpp/no-literal-ui-string': 'error' },
  },
  {
    files: ['test/**/*.{ts,mjs}', 'bench/**/*.{js,mjs,ts}', 'scripts/**/*.js', '*.config.{js,mjs,ts}', 'console/vite.config.ts'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
        URLSearchParams: 'readonly',
        AbortController: 'readonly',
        setImmediate: 'readonly',
      },
    },
    rules: {
      // Tests read untyped JSON answers; `any` there is the honest type.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
