/** The current instant; the only way services and domain code learn the time. */
export interface Clock {
  now(): Date;
}

/** Cryptographically secure random bytes; the only source of randomness for secrets and codes. */
export interface Random {
  bytes(length: number): Uint8Array;
}

/** `instant` moved forward by `seconds` (negative moves back). */
export function addSeconds(instant: Date, seconds: number): Date {
  return new Date(instant.getTime() + seconds * 1000);
}
