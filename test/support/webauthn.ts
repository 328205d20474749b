import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A software passkey for tests: a P-256 key (ES256) made with node:crypto, answering
 * WebAuthn creation options with attestation `none` and request options with assertions,
 * byte for byte as WebAuthn Level 3 §6.1 (authenticator data) and §6.5 (attestation object)
 * describe, in the JSON form browsers send (`PublicKeyCredential#toJSON()`). It keeps a sign
 * counter that each assertion moves forward by one, unless told otherwise.
 */

/** A CBOR value this encoder writes: unsigned and negative integers, byte strings, text strings and maps (RFC 8949 §3.1). */
type Cbor = number | Uint8Array | string | Map<Cbor, Cbor>;

function cborHead(major: number, value: number): Buffer {
  if (value < 24) return Buffer.from([(major << 5) | value]);
  if (value < 0x100) return Buffer.from([(major << 5) | 24, value]);
  if (value < 0x10000) return Buffer.from([(major << 5) | 25, value >> 8, value & 0xff]);
  const head = Buffer.alloc(5);
  head[0] = (major << 5) | 26;
  head.writeUInt32BE(value, 1);
  return head;
}

/** Encodes `value` as CBOR; enough for attestation objects and COSE keys. */
export function encodeCbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([cborHead(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([cborHead(2, value.length), value]);
  const parts = [cborHead(5, value.size)];
  for (const [key, item] of value) parts.push(encodeCbor(key), encodeCbor(item));
  return Buffer.concat(parts);
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array | string) => Buffer.from(data).toString('base64url');

/** Authenticator data flags (WebAuthn §6.1): user present, user verified, attested credential data. */
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export interface AuthenticatorOptions {
  /** The origin the "browser" reports in clientDataJSON (default http://localhost:3000, the test harness's relying party). */
  origin?: string;
}

/** What one ceremony may change, to build answers a real browser would not send. */
export interface CeremonyOverrides {
  origin?: string;
  /** The RP id whose hash goes into the authenticator data. */
  rpId?: string;
  type?: string;
  /** Assertions: the sign counter to report (the stored counter is then set to it). */
  signCount?: number;
  /** Assertions: sign with this key instead of the credential's (a forged answer). */
  signWith?: KeyObject;
  challenge?: string;
}

export class SoftwareAuthenticator {
  readonly credentialId = randomBytes(16);
  readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  signCount = 0;
  private readonly origin: string;

  constructor(options: AuthenticatorOptions = {}) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.origin = options.origin ?? 'http://localhost:3000';
  }

  /** The credential id as the server and browsers write it. */
  get id(): string {
    return b64url(this.credentialId);
  }

  /** The COSE_Key of the public key (RFC 9053 §7.1.1: kty EC2, alg ES256, crv P-256, x, y). */
  private coseKey(): Buffer {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return encodeCbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
  }

  private clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  private authenticatorData(rpId: string, flags: number, signCount: number, attested?: Buffer): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(signCount);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), counter, ...(attested ? [attested] : [])]);
  }

  /** Answers creation options (`navigator.credentials.create()`) with attestation `none`. */
  createCredential(options: { challenge: string; rp: { id?: string } }, overrides: CeremonyOverrides = {}) {
    const rpId = overrides.rpId ?? options.rp.id ?? 'localhost';
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.credentialId.length);
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.credentialId, this.coseKey()]);
    const authData = this.authenticatorData(rpId, FLAG_UP | FLAG_UV | FLAG_AT, this.signCount, attested);
    const attestationObject = encodeCbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = this.clientData(overrides.type ?? 'webauthn.create', overrides.challenge ?? options.challenge, overrides.origin ?? this.origin);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers request options (`navigator.credentials.get()`): signs authenticator data and the client data hash (ES256, DER). */
  getAssertion(options: { challenge: string; rpId?: string }, overrides: CeremonyOverrides = {}) {
    this.signCount = overrides.signCount ?? this.signCount + 1;
    const rpId = overrides.rpId ?? options.rpId ?? 'localhost';
    const authData = this.authenticatorData(rpId, FLAG_UP | FLAG_UV, this.signCount);
    const clientDataJSON = this.clientData(overrides.type ?? 'webauthn.get', overrides.challenge ?? options.challenge, overrides.origin ?? this.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), overrides.signWith ?? this.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: null },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

/** A key of no registered credential, to sign forged assertions with. */
export function strangerKey(): KeyObject {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
}
