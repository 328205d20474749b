import type { AccountRecord } from '../../store/accounts.js';
import type { Db } from '../../store/schema.js';
import type { Deps } from '../deps.js';
import type { SecondFactorProof } from './proof.js';

/** Why a wrong code was wrong, as far as the owner may be told. */
export interface FailureHint {
  /** The code matches the authenticator key for a clock this many seconds off (positive: the phone is ahead). */
  clockDriftSeconds?: number;
  /** The authenticator code was right but was used already (each code works once). */
  codeAlreadyUsed?: true;
}

/** What checking one proof found; an accepted proof is used up. */
export type Check = { accepted: true } | { accepted: false; hint: FailureHint };

/**
 * One second-factor method: checks a proof of its kind for the account inside `tx` and,
 * when it is right, uses it up with one atomic statement, so of any number of parallel
 * requests exactly one is accepted. A wrong code is a value, never an exception; it throws
 * only for what is not a wrong code (no pending key, an expired activation).
 */
export interface SecondFactorMethod<P extends SecondFactorProof> {
  check(deps: Deps, tx: Db, account: AccountRecord, proof: P): Promise<Check>;
}

export const WRONG: Check = { accepted: false, hint: {} };
