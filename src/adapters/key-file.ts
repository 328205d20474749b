import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the key file created in DATA_DIR when SECRET_KEY is not set. */
export const KEY_FILE_NAME = 'secret.key';

/**
 * The 32-byte key kept in `dataDir`: read it, or create it on first start with mode
 * 0600 (exclusive create, so two processes starting together end up with one key).
 */
export function loadOrCreateKeyFile(dataDir: string): Buffer {
  const path = join(dataDir, KEY_FILE_NAME);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a base64 32-byte key`);
  return key;
}

/** Which of `paths` exist and can be read or written by users other than their owner. */
export function findFilesOpenToOthers(paths: string[]): string[] {
  return paths.filter((path) => existsSync(path) && (statSync(path).mode & 0o077) !== 0);
}
