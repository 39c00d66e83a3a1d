import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { tenantKeyIdOf, tenantOf } from '../plugins/auth.js';
import { mintUploadToken } from '../services/uploads/upload-tokens.js';
import { MintUploadTokenFields, mintUploadTokenSchema } from './upload-tokens.schemas.js';

/** `POST /v1/upload-tokens`: a platform's backend, holding its key, mints a token for one end user's browser. */
const uploadTokenRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.addHook('onRequest', app.requireTenant);

  app.post('/v1/upload-tokens', { schema: mintUploadTokenSchema }, async (request, reply) => {
    // No body at all: every default.
    // The body as the schema let it through, with its defaults (none at all: every default).
    const body = MintUploadTokenFields.parse(request.body ?? {});
    const minted = await mintUploadToken(deps, { ...body, tenantId: tenantOf(request).id, mintedByKeyId: tenantKeyIdOf(request) });
    return reply.status(201).send(minted);
  });
};

export default uploadTokenRoutes;
