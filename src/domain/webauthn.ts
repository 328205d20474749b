/** The WebAuthn relying party: its id (a host name), the origins assertions may come from, and the name shown. */
export interface RelyingParty {
  id: string;
  origins: string[];
  name: string;
}

export const RELYING_PARTY_NAME = 'Mini Program Platform';

/**
 * The relying party for `publicUrl` (`https://console.example.com` → id
 * `console.example.com`, origin as given), or for the default set-up without one:
 * `localhost` on `port` (WebAuthn accepts http only on localhost, and an IP address is no RP
 * id, so the console must be opened at http://localhost:PORT for passkeys).
 */
export function relyingPartyFor(publicUrl: string | undefined, port: number): RelyingParty {
  if (publicUrl) {
    const url = new URL(publicUrl);
    return { id: url.hostname, origins: [url.origin], name: RELYING_PARTY_NAME };
  }
  return { id: 'localhost', origins: [`http://localhost:${port}`], name: RELYING_PARTY_NAME };
}

/**
 * True when an assertion's sign counter does not move past the stored one although one of
 * them is non-zero: a sign the credential may have been cloned (WebAuthn Level 3 §7.2 step
 * 22). Authenticators that keep no counter report 0 every time, which is no regression.
 */
export function isSignCountRegression(stored: number, reported: number): boolean {
  return (stored > 0 || reported > 0) && reported <= stored;
}
