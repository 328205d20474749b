import type * as SimpleWebAuthn from '@simplewebauthn/server';

/**
 * @simplewebauthn/server, loaded on first use: importing it adds about a quarter of a CLI
 * command's start-up CPU, and only passkey requests need it. `serve` loads it before listening, so no
 * request waits for it.
 */
type WebAuthnLibrary = typeof SimpleWebAuthn;

let library: Promise<WebAuthnLibrary> | undefined;

export function webauthnLibrary(): Promise<WebAuthnLibrary> {
  library ??= import('@simplewebauthn/server');
  return library;
}
