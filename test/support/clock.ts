import type { Clock } from '../../src/domain/ports.js';

/** A clock that moves only when told: expiry, cooldowns and TOTP steps without sleeping. */
export class FakeClock implements Clock {
  private instant: Date;

  constructor(start = '2026-11-27T10:00:05.000Z') {
    this.instant = new Date(start);
  }

  now(): Date {
    return new Date(this.instant);
  }

  advanceSeconds(seconds: number): void {
    this.instant = new Date(this.instant.getTime() + seconds * 1000);
  }

  set(iso: string): void {
    this.instant = new Date(iso);
  }
}
