import { createArgon2Hasher } from '../../src/adapters/password-hasher.js';

/** Real argon2id at the smallest cost, so tests exercise the same code quickly. */
export const fastHasher = createArgon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });
