import { randomBytes } from 'node:crypto';
import type { Clock, Random } from '../domain/ports.js';

/** The real clock. */
export const systemClock: Clock = { now: () => new Date() };

/** The operating system's CSPRNG. */
export const systemRandom: Random = { bytes: (length) => new Uint8Array(randomBytes(length)) };
