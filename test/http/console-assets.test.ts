import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type HttpApp } from '../../src/http/app.js';
import { CONSOLE_DIR } from '../../src/cli/serve.js';
import { createHarness, type Harness } from '../support/harness.js';

/**
 * The console's files go out compressed (precompressed at build time) and with cache
 * headers: hashed assets for a year, index.html revalidated. Needs the console build
 * (`npm test` builds it first).
 */
const built = existsSync(join(CONSOLE_DIR, 'index.html'));
if (!built && process.env.CI === 'true') throw new Error('CI=true but console/dist is missing: the console asset tests cannot be skipped in CI');

describe.skipIf(!built)(`console assets: compressed and cached${built ? '' : ' [skipped: console/dist is missing; run npm run build:console]'}`, () => {
  let h: Harness;
  let app: HttpApp;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    app = await buildApp(h.deps, { consoleDir: CONSOLE_DIR });
  });
  afterAll(async () => {
    await app?.close();
    await h?.close();
  });

  const largestScript = () =>
    readdirSync(join(CONSOLE_DIR, 'assets'))
      .filter((name) => name.endsWith('.js'))
      .map((name) => ({ name, size: readFileSync(join(CONSOLE_DIR, 'assets', name)).length }))
      .sort((a, b) => b.size - a.size)[0]!.name;

  it('serves a script brotli- or gzip-compressed to browsers that accept it, cached for a year as immutable', async () => {
    const name = largestScript();
    const raw = readFileSync(join(CONSOLE_DIR, 'assets', name));
    const br = await app.inject({ method: 'GET', url: `/assets/${name}`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(br.rawPayload).equals(raw)).toBe(true);
    expect(br.rawPayload.length).toBeLessThan(raw.length / 2);
    const gz = await app.inject({ method: 'GET', url: `/assets/${name}`, headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).equals(raw)).toBe(true);
    const plain = await app.inject({ method: 'GET', url: `/assets/${name}` });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.rawPayload.equals(raw)).toBe(true);
  });

  it('index.html, at / and at a console route, must be revalidated, so a new build is seen on the next visit', async () => {
    for (const url of ['/', '/reset-password', '/settings']) {
      const page = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type'], url).toContain('text/html');
      expect(page.headers['cache-control'], url).toBe('no-cache');
    }
  });
});
