import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { limitsTransform, limitsTransformObject } from './openapi-limits.js';

/** OpenAPI generated from the same zod schemas that validate requests, so the document cannot drift. */
async function docsPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      info: { title: 'Darkroom API', version: '1.0.0', description: 'Presigned uploads, image variants, CDN URLs.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A tenant API key (dk_…), or on admin routes ADMIN_TOKEN or an admin key (dka_…).' },
          uploadToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'dut_',
            description: 'A browser upload token (dut_…, POST /v1/upload-tokens): only on the routes that list it, on the assets it started.',
          },
        },
      },
      security: [{ bearer: [] }],
    },
    // The zod schemas' JSON Schema, plus the limits (rate-limit headers, body limit, console login).
    transform: limitsTransform,
    transformObject: limitsTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

export default fp(docsPlugin, { name: 'darkroom-docs' });
