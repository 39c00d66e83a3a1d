// `npm run generate -w @darkroom/client`: rewrites src/generated/api.ts from the API's OpenAPI document.
// The API's workspace imports resolve to their dist/: run `npm run build` first.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GENERATED_TYPES_PATH, generateTypes, readOpenApiDocument } from './openapi-types.js';

const source = await generateTypes(await readOpenApiDocument());
await writeFile(GENERATED_TYPES_PATH, source);
console.log(`wrote ${fileURLToPath(GENERATED_TYPES_PATH)} (${source.length} characters)`);
