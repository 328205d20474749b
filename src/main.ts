import { runCli } from './cli/index.js';

/** Entry point of the `mpp-2fa` binary. */
export async function main(argv: string[]): Promise<void> {
  const code = await runCli(argv, process.env, {
    json: false,
    stdout: (text) => process.stdout.write(text),
    write: (text) => new Promise<void>((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once('drain', () => resolve()))),
    stderr: (text) => process.stderr.write(text),
  });
  process.exitCode = code;
}
