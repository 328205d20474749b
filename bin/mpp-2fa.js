#!/usr/bin/env node
// Runs the compiled CLI, building it first when the compiled files are missing or older
// than the sources (so `npm start` works on a fresh clone), and building the console
// before `serve` when its build is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function run(script, what) {
  process.stderr.write(`mpp-2fa: building the ${what}…\n`);
  const result = spawnSync(process.execPath, script, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const hasSources = existsSync(join(root, 'src'));
if (hasSources && (!existsSync(entry) || newestMtime(join(root, 'src')) > statSync(entry).mtimeMs)) {
  run([join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], 'server');
}
if (process.argv[2] === 'serve' && !existsSync(join(root, 'console', 'dist', 'index.html')) && existsSync(join(root, 'console', 'vite.config.ts'))) {
  run([join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'console', 'vite.config.ts'), '--logLevel', 'warn'], 'console');
}

const { main } = await import(entry);
await main(process.argv.slice(2));
