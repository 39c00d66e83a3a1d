import { z } from 'zod';

export const IdParams = z.strictObject({ id: z.string() });
export const AssetIdParams = z.strictObject({ assetId: z.string() });

/**
 * The serializer of the hottest routes (start an upload, read an asset): JSON.stringify alone,
 * without zod's encode of the reply against its schema first. Their replies are built field by
 * field (assetView, startUpload's instructions), so the encode only re-checked what the types
 * already say, at a measurable share of the API's CPU
 * (docs/design/api.md#hot-replies-serialized-without-zod). test/api/contract.test.ts
 * checks that each of their replies is exactly its schema's shape, nothing more.
 */
export const builtReplySerializer = () => (data: unknown) => JSON.stringify(data);
