import { Algorithm, hash, verify } from '@node-rs/argon2';

/** Hashes and checks passwords; always asynchronous, off the event loop. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when `password` matches `encoded`; false for a malformed hash. */
  verify(encoded: string, password: string): Promise<boolean>;
}

/** OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane (Password Storage Cheat Sheet). */
export const ARGON2ID_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/** argon2id through @node-rs/argon2, which runs on libuv's thread pool. */
export function createArgon2Hasher(options: { memoryCost: number; timeCost: number; parallelism: number } = ARGON2ID_OPTIONS): PasswordHasher {
  const params = { ...options, algorithm: Algorithm.Argon2id };
  return {
    hash: (password) => hash(password, params),
    verify: async (encoded, password) => {
      try {
        return await verify(encoded, password);
      } catch {
        return false;
      }
    },
  };
}
