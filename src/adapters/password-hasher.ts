import { availableParallelism } from 'node:os';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/** Hashes and checks passwords; always asynchronous, off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `encoded`; false for a malformed hash. */
  verify(encoded: string, password: string): Promise<boolean>;
}

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane (Password Storage Cheat Sheet). */
export const ARGON2ID_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/**
 * argon2id through @node-rs/argon2, which runs on libuv's thread pool. At most one hash
 * per core runs at once: more only adds 19 MiB each and steals CPU from the event loop.
 */
export function createArgon2Hasher(
  options: { memoryCost: number; timeCost: number; parallelism: number } = ARGON2ID_OPTIONS,
  maxConcurrent: number = availableParallelism(),
): PasswordHasher {
  const params = { ...options, algorithm: Algorithm.Argon2id };
  const limit = createLimiter(maxConcurrent);
  return {
    hash: (password) => limit(() => hash(password, params)),
    verify: (encoded, password) => limit(() => verify(encoded, password).catch(() => false)),
  };
}

/** Runs at most `max` of the given tasks at once, the rest in arrival order. */
function createLimiter(max: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async function run<T>(task: () => Promise<T>): Promise<T> {
    if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
