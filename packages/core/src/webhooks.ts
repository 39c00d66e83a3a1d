import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A delivery succeeds on a 2xx within this; a slower receiver's attempt fails and is retried. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Of a receiver's response body, only this much is read and kept. */
export const WEBHOOK_RESPONSE_BYTES = 1024;
/** After a rotation, deliveries are signed by the old secret too for this long. */
export const WEBHOOK_ROTATION_OVERLAP_MS = 24 * 3600_000;
export const MAX_WEBHOOKS_PER_TENANT = 10;
/**
 * Delays before each retry of a failed delivery: 5 s, 5 m, 30 m, 2 h, 5 h, 10 h, 10 h, so the
 * eighth and last attempt comes 27 h 35 m after the first (the contract asks for at least 24 h).
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = '5s,5m,30m,2h,5h,10h,10h';

/** Standard Webhooks secrets: `whsec_` and the base64 of the key bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/** A new signing secret (32 random bytes), shown to the tenant once. */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

export interface SignParams {
  /** `webhook-id`: the event id, the same on every attempt. */
  id: string;
  /** `webhook-timestamp`: unix seconds of this attempt. */
  timestamp: number;
  body: string;
  /** The current secret first; during a rotation also the previous one. */
  secrets: readonly string[];
}

/**
 * `webhook-signature`: one `v1,<signature>` per secret, space-separated, each made by the
 * `standardwebhooks` package (HMAC-SHA256 of `<id>.<timestamp>.<body>` keyed with the secret's bytes).
 */
export function signWebhook(params: SignParams): string {
  const at = new Date(params.timestamp * 1000);
  return params.secrets.map((secret) => new Webhook(secret).sign(params.id, at, params.body)).join(' ');
}

/** Seals secrets at rest; `aad` binds a sealed value to its row, so it cannot be moved to another. */
export interface SecretBox {
  seal(plain: string, aad: string): string;
  open(sealed: string, aad: string): string;
}

const SEALED_VERSION = 'v1';

/**
 * AES-256-GCM with a key derived by HKDF-SHA256 from WEBHOOK_SECRET_KEY. A database dump (or a
 * response or log line that shows a row) therefore holds no usable secret; the key lives only in
 * the processes' environment. Stored as `v1.<iv>.<ciphertext>.<tag>` (base64url), the version
 * leaving room for a later key rotation.
 */
export function createSecretBox(masterKey: string): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', masterKey, 'darkroom', 'webhook signing secrets v1', 32));
  return {
    seal(plain, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(aad));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [SEALED_VERSION, iv, sealed, cipher.getAuthTag()].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    open(sealed, aad) {
      const [version, iv, data, tag] = sealed.split('.');
      if (version !== SEALED_VERSION || !iv || !data || !tag) throw new Error('not a sealed webhook secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(aad));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
