import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root and the real binary the CLI tests run (`npm test` builds dist/ first). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'mpp-2fa.js');

export interface CliResult {
  /** Exit status, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The whole of stdout parsed as one JSON object; throws (showing the output) otherwise. */
  json(): any;
}

export interface CliOptions {
  /** Extra environment; `DATA_DIR` here wins over `dataDir`. */
  env?: Record<string, string | undefined>;
  /** Written to standard input, which is then closed (closed at once when absent). */
  input?: string;
  /** DATA_DIR to use; a fresh temporary directory when absent. */
  dataDir?: string;
  timeoutMs?: number;
}

/** A fresh, empty DATA_DIR under the system temp directory. */
export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'mpp-2fa-cli-'));
}

/** Removes a directory made by `makeDataDir`. */
export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The environment a CLI child sees: only PATH/HOME/temp settings from ours (so a developer's
 * DATABASE_URL or SECRET_KEY never leaks in), then `extra`.
 */
export function cliEnv(dataDir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { DATA_DIR: dataDir };
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'SYSTEMROOT', 'LANG']) if (process.env[name] !== undefined) env[name] = process.env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Spawns `node bin/mpp-2fa.js …args` without waiting; for long-running commands such as serve. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: 'pipe' });
}

function parseWholeStdout(stdout: string, stderr: string): any {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    throw new Error(`stdout is not exactly one JSON document:\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`stdout is JSON but not an object: ${stdout}`);
  return value;
}

/**
 * Runs the real binary to completion: `node bin/mpp-2fa.js …args` with a temporary DATA_DIR
 * (or `options.dataDir`) and `options.env`, feeding `options.input` on stdin.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const dataDir = options.dataDir ?? makeDataDir();
  const child = spawnCli(args, cliEnv(dataDir, options.env));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => {}); // the command may exit before reading its input
  child.stdin.end(options.input ?? '');
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mpp-2fa ${args.join(' ')} did not finish in ${timeoutMs} ms\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (options.dataDir === undefined && options.env?.DATA_DIR === undefined) removeDataDir(dataDir);
      resolve({ code, signal, stdout, stderr, json: () => parseWholeStdout(stdout, stderr) });
    });
  });
}
