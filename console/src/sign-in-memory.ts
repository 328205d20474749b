/**
 * Whether this tab left a sign-in at the code step (a reload, a navigation away): the
 * email only, in sessionStorage (this tab, gone with it). The challenge id is a bearer
 * token and is never stored, so the attempt itself cannot resume: the page says so.
 */
const STORAGE_KEY = 'mpp-2fa.sign-in-at-code-step';

/** Notes that the sign-in of `email` is at its code step. */
export function rememberSignInAtCodeStep(email: string): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, email);
  } catch {
    /* storage unavailable: a reload then shows the plain login form */
  }
}

/** The sign-in left the code step (signed in, or back to the password). */
export function forgetSignInAtCodeStep(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    /* storage unavailable */
  }
}

/** The email of a sign-in this tab left at its code step; undefined when there is none. Reading forgets nothing. */
export function readInterruptedSignIn(): string | undefined {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
