import { createHash } from 'node:crypto';

/** The SHA-256 of an identity, as import_identities keys it. */
export const identityHashOf = (identity: string) => createHash('sha256').update(identity).digest('hex');

/** What a sealed import credential is bound to: its import's row, as a webhook secret is bound to its webhook's. */
export const importCredentialsAad = (importId: string) => `import:${importId}`;
