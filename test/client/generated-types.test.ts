import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GENERATED_TYPES_PATH, generateTypes, readOpenApiDocument } from '../../packages/client/scripts/openapi-types.js';

describe('@darkroom/client types', () => {
  it('match the OpenAPI document the API serves now (else: npm run generate -w @darkroom/client)', async () => {
    const fresh = await generateTypes(await readOpenApiDocument());
    const committed = await readFile(GENERATED_TYPES_PATH, 'utf8');
    // Compared whole: any route, field or status the API changes shows up here.
    expect(committed === fresh, 'packages/client/src/generated/api.ts is stale: run `npm run generate -w @darkroom/client`').toBe(true);
  });
});
