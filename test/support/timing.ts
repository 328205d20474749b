import { expect } from 'vitest';

/** Statistics of the timing tests: a paired comparison of two kinds of request, judged by the median of their differences. */

function sorted(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function median(values: number[]): number {
  const ordered = sorted(values);
  const middle = Math.floor(ordered.length / 2);
  return ordered.length % 2 === 1 ? ordered[middle]! : (ordered[middle - 1]! + ordered[middle]!) / 2;
}

/**
 * The distribution-free 95 % confidence interval of the median of `values`: the order
 * statistics whose ranks the binomial(n, ½) distribution puts 1.96 standard deviations
 * either side of n/2 (normal approximation, fine for n ≥ 30).
 */
export function medianConfidenceInterval(values: number[]): { low: number; high: number } {
  const ordered = sorted(values);
  const n = ordered.length;
  const k = Math.max(0, Math.floor(n / 2 - (1.96 * Math.sqrt(n)) / 2));
  return { low: ordered[k]!, high: ordered[n - 1 - k]! };
}

export interface TimedAnswer {
  elapsedMs: number;
  status: number;
  body: string;
}

/**
 * Times `known[i]` against `unknown[i]` in pairs, alternating which goes first so drift in
 * machine load hits both sides alike; the first `warmUp` pairs are not counted. Every answer
 * must have `status`; the distinct bodies are returned so a test can demand one.
 */
export async function timePairs(
  timed: (subject: string) => Promise<TimedAnswer>,
  known: readonly string[],
  unknown: readonly string[],
  { warmUp, status }: { warmUp: number; status: number },
) {
  const bodies = new Set<string>();
  const knownTimes: number[] = [];
  const unknownTimes: number[] = [];
  const differences: number[] = [];
  for (let i = 0; i < known.length; i += 1) {
    const knownFirst = i % 2 === 1;
    const first = await timed(knownFirst ? known[i]! : unknown[i]!);
    const second = await timed(knownFirst ? unknown[i]! : known[i]!);
    for (const result of [first, second]) {
      expect(result.status, result.body).toBe(status);
      bodies.add(result.body);
    }
    if (i < warmUp) continue;
    const knownMs = knownFirst ? first.elapsedMs : second.elapsedMs;
    const unknownMs = knownFirst ? second.elapsedMs : first.elapsedMs;
    knownTimes.push(knownMs);
    unknownTimes.push(unknownMs);
    differences.push(knownMs - unknownMs);
  }
  return { bodies, knownTimes, unknownTimes, differences };
}
