import { isApiError } from './api';

/** Why a challenge can take no more codes: its wrong codes used up its attempts, or it expired (or was ended elsewhere). */
export type ChallengeEnd = 'attempts' | 'expired';

/** The end `failure` puts to a challenge: `attempts` for a wrong code with none left, `expired` for 410; undefined when it lives on. */
export function challengeEndOf(failure: unknown): ChallengeEnd | undefined {
  if (isApiError(failure, 'challenge_expired')) return 'expired';
  if (isApiError(failure, 'invalid_code') && failure.body.attemptsRemaining === 0) return 'attempts';
  return undefined;
}
