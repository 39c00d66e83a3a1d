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
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // The zod schemas' JSON Schema, plus the limits (rate-limit headers, body limit, console login).
    transform: limitsTransform,
    transformObject: limitsTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}

export default fp(docsPlugin, { name: 'darkroom-docs' });
