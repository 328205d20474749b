import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { cliEnv, spawnCli } from './cli.js';

/** `mpp-2fa serve` as a child process, for the CLI suites that need a real server. */

export const START_TIMEOUT_MS = 150_000;
/** A port nothing listens on right now: listen on 0, read the port, close. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A running `mpp-2fa serve` child with everything it printed so far. */
export class ServeProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcessWithoutNullStreams;

  constructor(args: string[], dataDir: string, env: Record<string, string | undefined> = {}) {
    this.child = spawnCli(['serve', ...args], cliEnv(dataDir, { HOST: '127.0.0.1', ...env }));
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdin.end();
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the match once stdout matches `pattern`; rejects if the process exits first. */
  async waitForStdout(pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdout.match(pattern);
      if (match) return match;
      if (!this.running) throw new Error(`serve exited before printing ${pattern}\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
      if (Date.now() > deadline)
        throw new Error(`serve did not print ${pattern} in ${timeoutMs} ms\n--- stdout ---\n${this.stdout}\n--- stderr ---\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits for the start-up banner (its last line names the outbox) and returns the URL it printed. */
  async started(): Promise<string> {
    const [, url] = await this.waitForStdout(/serving the console at (\S+)/);
    await this.waitForStdout(/outbox/);
    return url!;
  }

  /** Sends SIGTERM; resolves with the exit status and how long stopping took. */
  async terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const started = Date.now();
    this.child.kill('SIGTERM');
    const result = await Promise.race([
      this.exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`serve did not stop within ${START_TIMEOUT_MS} ms of SIGTERM`)), START_TIMEOUT_MS)),
    ]);
    return { ...result, ms: Date.now() - started };
  }

  /** Last resort in afterAll: this child only, by its own handle. */
  kill(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}
