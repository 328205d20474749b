#!/usr/bin/env node
// `npm test`: lint, build the server and console (the CLI and browser tests run the real
// builds), type-check the tests and the console, then run every test with Vitest. Extra
// arguments go to Vitest.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What `npm run lint` checks (eslint.config.js). */
const LINTED = ['src', 'console/src', 'test', 'bench', 'scripts'];

function step(label, command, args) {
  process.stdout.write(`\n> ${label}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

step('lint (eslint: layering, unused imports)', process.execPath, ['node_modules/eslint/bin/eslint.js', ...LINTED]);
step('check formatting (prettier)', process.execPath, [
  'node_modules/prettier/bin/prettier.cjs',
  '--check',
  '--log-level',
  'warn',
  ...LINTED,
  'eslint.config.js',
]);
step('build the server', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
step('type-check the tests', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);
if (existsSync('console/vite.config.ts')) {
  // Vite strips types without checking them: only this step catches a console type error.
  step('type-check the console', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'console/tsconfig.json']);
  step('build the console', process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn']);
}
step('run the tests', process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)]);
