/** The current instant; the only way services and domain code learn the time. */
export interface Clock {
  now(): Date;
}

/** Cryptographically secure random bytes; the only source of randomness for secrets and codes. */
export interface Random {
  bytes(length: number): Uint8Array;
}

export type LoginOutcome = 'authenticated' | 'second_factor_required' | 'enrollment_required' | 'invalid_credentials' | 'throttled';
export type SecondFactorOutcome = 'accepted' | 'wrong' | 'replayed' | 'refused_locked';

/** What services count for operators (Prometheus in `serve`; nothing where no one asks). Never a code, secret or address. */
export interface Metrics {
  login(outcome: LoginOutcome): void;
  secondFactor(method: string, outcome: SecondFactorOutcome): void;
  /** A failure that started a lock of second-factor verification. */
  lockout(): void;
  /** queued: written to the outbox by a committed change; sent / failed: one attempt at the mail server; given_up: dropped after its retries. */
  email(outcome: 'queued' | 'sent' | 'failed' | 'given_up'): void;
  httpRequest(route: string, method: string, status: number, seconds: number): void;
}

/** `instant` moved forward by `seconds` (negative moves back). */
export function addSeconds(instant: Date, seconds: number): Date {
  return new Date(instant.getTime() + seconds * 1000);
}
