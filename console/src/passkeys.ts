import { browserSupportsWebAuthn, startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import { ApiError } from './api';
import type { WebAuthnAssertion, WebAuthnAttestation } from './requests';
import type { PasskeyCreationOptions, PasskeyRequestOptions } from './types';

/**
 * The browser's side of a passkey or security key: `navigator.credentials` through
 * `@simplewebauthn/browser`, which takes the server's options and gives its answer as the
 * JSON the API reads. A browser refusal becomes an ApiError with a console code
 * (phrases.ts), so every form reports it the way it reports the server's refusals.
 */

/** The console's codes for what the browser, not the server, refused. */
export type PasskeyProblemCode = 'passkey_cancelled' | 'passkey_unsupported' | 'passkey_already_registered';

const browserProblem = (code: PasskeyProblemCode) => new ApiError(0, code, { code });

/** False where the browser has no WebAuthn (or the page is not a secure context): offer codes only. */
export const passkeysSupported = (): boolean => browserSupportsWebAuthn();

function fromBrowser(failure: unknown): unknown {
  const name = failure instanceof Error ? failure.name : undefined;
  const code = failure instanceof WebAuthnError ? failure.code : undefined;
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') return browserProblem('passkey_already_registered');
  // Cancelled, timed out, or no matching credential: the browser tells these apart from nothing
  // on purpose (a page must not learn which passkeys exist), so neither can the console.
  if (name === 'NotAllowedError' || name === 'AbortError' || code === 'ERROR_CEREMONY_ABORTED') return browserProblem('passkey_cancelled');
  if (name === 'SecurityError' || name === 'NotSupportedError' || code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID') {
    return browserProblem('passkey_unsupported');
  }
  return failure;
}

/** Asks the browser to sign the server's request options with one of the account's passkeys. */
export async function signWithPasskey(request: PasskeyRequestOptions): Promise<WebAuthnAssertion> {
  if (!passkeysSupported()) throw browserProblem('passkey_unsupported');
  try {
    // The server's schema types the WebAuthn enums as strings; the values are the browser API's.
    return (await startAuthentication({ optionsJSON: request.options as Parameters<typeof startAuthentication>[0]['optionsJSON'] })) as WebAuthnAssertion;
  } catch (failure) {
    throw fromBrowser(failure);
  }
}

/** Asks the browser to create a passkey for the server's creation options. */
export async function createPasskey(creation: PasskeyCreationOptions): Promise<WebAuthnAttestation> {
  if (!passkeysSupported()) throw browserProblem('passkey_unsupported');
  try {
    return (await startRegistration({ optionsJSON: creation.options as Parameters<typeof startRegistration>[0]['optionsJSON'] })) as WebAuthnAttestation;
  } catch (failure) {
    throw fromBrowser(failure);
  }
}
