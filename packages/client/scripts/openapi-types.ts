/**
 * The client's types come from the API's own OpenAPI document: the API is built in this process (no
 * port, no listening) and `/docs/json` read through `inject`, then openapi-typescript turns it into
 * `src/generated/api.ts`. Shared by `npm run generate -w @darkroom/client` and the test that fails
 * when the committed file no longer matches the API.
 */
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { buildApp } from '../../../apps/api/src/app.js';
import { loadApiConfig } from '../../../apps/api/src/config.js';
import { createDeps } from '../../../apps/api/src/deps.js';

export const GENERATED_TYPES_PATH = new URL('../src/generated/api.ts', import.meta.url);

/**
 * Settings the document is built with. Fixed, not read from the caller's environment, so that the
 * same API source always yields the same file. Nothing is connected to but Redis (which the API
 * dials at boot and lets go at close); the document names no setting's value.
 */
const DOCUMENT_ENV: Record<string, string> = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/darkroom_openapi_unused',
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  S3_ENDPOINT: 'http://127.0.0.1:7480',
  S3_REGION: 'us-east-1',
  S3_BUCKET: 'openapi-originals',
  S3_PUBLIC_BUCKET: 'openapi-variants',
  S3_ACCESS_KEY_ID: 'unused',
  S3_SECRET_ACCESS_KEY: 'unused-secret',
  ADMIN_TOKEN: 'openapi-document-admin-token-unused',
  WEBHOOK_SECRET_KEY: 'openapi-document-webhook-key-unused',
};

/**
 * Waits until the API's Redis connections are up: one closed while it is still opening fails with
 * an error nobody can catch (and they have no offline queue, so the first ping fails fast).
 */
async function redisConnected(deps: ReturnType<typeof createDeps>): Promise<void> {
  for (const deadline = Date.now() + 10_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
    try {
      return await deps.readiness.redis();
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
  }
}

/** The OpenAPI document the API serves at `/docs/json`. */
export async function readOpenApiDocument(): Promise<Record<string, unknown>> {
  const deps = createDeps(loadApiConfig(DOCUMENT_ENV));
  const app = await buildApp({ deps });
  try {
    await redisConnected(deps);
    const res = await app.inject({ method: 'GET', url: '/docs/json' });
    if (res.statusCode !== 200) throw new Error(`GET /docs/json answered ${res.statusCode}`);
    return res.json();
  } finally {
    await app.close();
    await deps.close();
  }
}

const HEADER = `// Generated from the API's OpenAPI document (GET /docs/json) by openapi-typescript.
// Do not edit: run \`npm run generate -w @darkroom/client\` after changing the API.
`;

/**
 * The document with its component schemas in name order: the API's zod schemas are registered as
 * their modules load, so their order in the document follows the order of imports, which says
 * nothing about the contract and would change the file at every move of an import.
 */
function withSortedSchemas(document: Record<string, unknown>): Record<string, unknown> {
  const components = document.components as { schemas?: Record<string, unknown> } | undefined;
  if (!components?.schemas) return document;
  const schemas = Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...document, components: { ...components, schemas } };
}

/** `src/generated/api.ts` as it must read for this OpenAPI document. */
export async function generateTypes(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(withSortedSchemas(document) as unknown as OpenAPI3, { alphabetize: false });
  return `${HEADER}\n${astToString(ast)}`;
}
