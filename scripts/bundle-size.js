#!/usr/bin/env node
// Prints the gzipped size of the console's JavaScript and fails when the first load
// (the entry script plus its modulepreload links) exceeds the budget.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const FIRST_LOAD_BUDGET_BYTES = 400 * 1024;
const distDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'console', 'dist');
const indexPath = join(distDir, 'index.html');

if (!existsSync(indexPath)) {
  console.error(`No ${relative(process.cwd(), indexPath)}; run "npm run build:console" first.`);
  process.exit(2);
}

/** Values of `attribute` on every <tag> in `html` that matches `filter`. */
function attributeValues(html, tag, attribute, filter = () => true) {
  const values = [];
  for (const [element] of html.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'gi'))) {
    const value = element.match(new RegExp(`\\b${attribute}\\s*=\\s*["']([^"']+)["']`, 'i'))?.[1];
    if (value && filter(element)) values.push(value);
  }
  return values;
}

/** Every file under `dir`, recursively. */
function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const html = readFileSync(indexPath, 'utf8');
const firstLoadUrls = [
  ...attributeValues(html, 'script', 'src'),
  ...attributeValues(html, 'link', 'href', (element) => /\brel\s*=\s*["']modulepreload["']/i.test(element)),
].filter((url) => !/^(https?:)?\/\//i.test(url));

const toPath = (url) => join(distDir, url.split(/[?#]/)[0].replace(/^\//, ''));
const sizeOf = (path) => {
  const bytes = readFileSync(path);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

const firstLoad = [...new Set(firstLoadUrls)].map((url) => {
  const path = toPath(url);
  if (!existsSync(path)) {
    console.error(`index.html loads ${url}, which is missing from console/dist.`);
    process.exit(2);
  }
  return { file: relative(distDir, path), ...sizeOf(path) };
});
const allJs = listFiles(distDir)
  .filter((path) => path.endsWith('.js'))
  .map((path) => ({ file: relative(distDir, path), ...sizeOf(path) }));
const firstLoadFiles = new Set(firstLoad.map((entry) => entry.file));

const rows = allJs
  .sort((a, b) => b.gzip - a.gzip)
  .map((entry) => ({
    file: entry.file,
    load: firstLoadFiles.has(entry.file) ? 'first' : 'lazy',
    raw: kb(entry.raw),
    gzip: kb(entry.gzip),
  }));
const width = Math.max(4, ...rows.map((row) => row.file.length));
console.log(`${'file'.padEnd(width)}  load   ${'raw'.padStart(10)}  ${'gzip'.padStart(10)}`);
for (const row of rows) {
  console.log(`${row.file.padEnd(width)}  ${row.load.padEnd(5)}  ${row.raw.padStart(10)}  ${row.gzip.padStart(10)}`);
}

const sum = (entries) => entries.reduce((total, entry) => total + entry.gzip, 0);
const firstLoadTotal = sum(firstLoad);
console.log('');
console.log(`First-load JS (gzip): ${kb(firstLoadTotal)} of ${kb(FIRST_LOAD_BUDGET_BYTES)} budget, ${firstLoad.length} file(s)`);
console.log(`All JS (gzip):        ${kb(sum(allJs))}, ${allJs.length} file(s)`);

if (firstLoadTotal > FIRST_LOAD_BUDGET_BYTES) {
  console.error(`First-load JS is over budget by ${kb(firstLoadTotal - FIRST_LOAD_BUDGET_BYTES)}.`);
  process.exit(1);
}
