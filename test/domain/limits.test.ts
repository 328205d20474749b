import { describe, expect, it } from 'vitest';
import {
  SECOND_FACTOR_BASE_LOCK_SECONDS,
  SECOND_FACTOR_FAILURES_PER_LOCK,
  SECOND_FACTOR_MAX_FAILURES,
  secondFactorLockSeconds,
} from '../../src/domain/limits.js';

const DAY_SECONDS = 24 * 60 * 60;
const FIFTY_YEARS_SECONDS = 50 * 365 * DAY_SECONDS;

describe('secondFactorLockSeconds', () => {
  it('uses the documented thresholds', () => {
    expect(SECOND_FACTOR_FAILURES_PER_LOCK).toBe(10);
    expect(SECOND_FACTOR_BASE_LOCK_SECONDS).toBe(60);
    expect(SECOND_FACTOR_MAX_FAILURES).toBe(100);
  });

  it('does not lock after no failures', () => {
    expect(secondFactorLockSeconds(0)).toBe(0);
  });

  it.each([1, 2, 5, 9])('does not lock after %i failures', (failures) => {
    expect(secondFactorLockSeconds(failures)).toBe(0);
  });

  it.each([11, 15, 19, 21, 35, 99])('does not start a new lock between tens (%i failures)', (failures) => {
    expect(secondFactorLockSeconds(failures)).toBe(0);
  });

  it.each([
    [10, 60],
    [20, 120],
    [30, 240],
    [40, 480],
    [50, 960],
    [60, 1920],
    [70, 3840],
    [80, 7680],
    [90, 15360],
  ])('locks after %i failures for %i seconds (doubling from one minute)', (failures, seconds) => {
    expect(secondFactorLockSeconds(failures)).toBe(seconds);
  });

  it('never locks for more than a day before the permanent lock', () => {
    for (let failures = 1; failures < 100; failures += 1) {
      expect(secondFactorLockSeconds(failures)).toBeLessThanOrEqual(DAY_SECONDS);
    }
  });

  it('each lock is at least as long as the one before', () => {
    let previous = 0;
    for (let failures = 10; failures < 100; failures += 10) {
      const seconds = secondFactorLockSeconds(failures);
      expect(seconds).toBeGreaterThanOrEqual(previous);
      previous = seconds;
    }
  });

  it.each([100, 101, 150, 1000])('locks for good (≥ 50 years) at %i failures', (failures) => {
    expect(secondFactorLockSeconds(failures)).toBeGreaterThanOrEqual(FIFTY_YEARS_SECONDS);
  });

  it('a permanent lock still fits a JavaScript Date', () => {
    const until = new Date(Date.UTC(2026, 10, 27) + secondFactorLockSeconds(100) * 1000);
    expect(Number.isNaN(until.getTime())).toBe(false);
    expect(until.getUTCFullYear()).toBeGreaterThanOrEqual(2076);
  });
});
