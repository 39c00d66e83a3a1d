import type { ImportProgressEventView, ProgressEventView } from '@darkroom/core/contract/event';
import { eventView } from '@darkroom/db/views';
import { getTenant } from '@darkroom/db/queries/tenants';
import { listenForEvents } from '@darkroom/db/listen';
import type { Event, Tenant } from '@darkroom/db/schema';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.js';
import { assetScopeOf, tenantCredentialHolds, tenantOf } from '../plugins/auth.js';
import { createEventHub, type Subscription } from '../services/event-hub.js';
import { deliveryContextOf, requireTenantAsset, showAsset } from '../services/manage-assets.js';
import { ensureDeliveryKey } from '../services/delivery-key.js';
import { openEventStream, type EventStream } from '../sse.js';
import { uploadTokenEventView } from '../views.js';
import { assetEventsSchema, eventStreamSchema } from './live.schemas.js';

type StreamKind = 'asset' | 'tenant';
/** Whose stream it is: a tenant key's, or an upload token's (which reads its assets narrower: uploadTokenEventView). */
interface FollowScope {
  tenant: Tenant;
  uploadToken: boolean;
}

/** Live status over Server-Sent Events (docs/api.md, "Live status"): one asset's events, or all of a tenant's. */
const liveRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { heartbeatMs, maxPerTenant, maxTotal } = deps.config.sse;
  const hub = createEventHub({
    db: deps.db,
    listen: (handlers) => listenForEvents(deps.config.databaseUrl, handlers),
    log: app.log,
    limits: { maxPerTenant, maxTotal },
  });
  // Open streams would hold app.close() (and SIGTERM) forever: end them before the server closes.
  app.addHook('preClose', () => hub.close());
  app.addHook('onRequest', app.requireTenant);

  /**
   * The URLs of a batch of events: built when it is sent, so a stream open for hours sends private
   * URLs of a full life, signed with the tenant's key as it is then (read again for a private asset).
   */
  async function contextOf(tenant: Tenant, events: Event[]) {
    const anyPrivate = events.some((event) => 'asset' in event.data && event.data.asset.visibility === 'private');
    // A held asset is shown through private links whatever its visibility (its tenant's key made with the first).
    const anyHeld = events.some((event) => 'asset' in event.data && event.data.asset.status === 'held');
    const current = anyPrivate || anyHeld ? ((await getTenant(deps.db, { id: tenant.id })) ?? tenant) : tenant;
    return deliveryContextOf(deps, anyHeld ? await ensureDeliveryKey(deps, current) : current);
  }

  /**
   * Ends the stream once the credential that opened it no longer would (a key revoked, an upload
   * token expired), asked every heartbeat: through the process's key cache, so most cost no query.
   */
  function endWithCredential(request: FastifyRequest, stream: EventStream): () => void {
    const timer = setInterval(() => {
      tenantCredentialHolds(deps, request).then(
        (holds) => holds || stream.end(),
        // The database away: asked again at the next heartbeat.
        () => {},
      );
    }, heartbeatMs);
    return () => clearInterval(timer);
  }

  /** Sends the subscription's events on the stream until either ends; `last` ends it after that event. */
  function follow(
    request: FastifyRequest,
    stream: EventStream,
    subscription: Subscription,
    kind: StreamKind,
    scope: FollowScope,
    last?: (event: Event) => boolean,
  ) {
    const { tenant } = scope;
    app.sseConnections.inc({ stream: kind });
    const stopChecking = endWithCredential(request, stream);
    stream.onClose(() => {
      stopChecking();
      subscription.close();
      app.sseConnections.dec({ stream: kind });
    });
    subscription.start({
      progress: (notice) => {
        const { assetId, jobId, progress } = notice;
        const view: ProgressEventView = { type: 'asset.progress', createdAt: new Date().toISOString(), data: { assetId, jobId, progress } };
        // Live-only and sent again a second later: a client too slow to take it now just skips one.
        stream.offer({ event: 'asset.progress', data: view });
      },
      importProgress: (notice) => {
        const view: ImportProgressEventView = { type: 'import.progress', createdAt: new Date().toISOString(), data: { import: notice.import } };
        stream.offer({ event: 'import.progress', data: view });
      },
      deliver: async (events) => {
        const delivery = await contextOf(tenant, events);
        for (const event of events) {
          const view = eventView(event, deps.publicUrl, delivery);
          await stream.send({ id: event.id, event: event.type, data: scope.uploadToken ? uploadTokenEventView(view) : view });
          if (last?.(event)) return stream.end();
        }
      },
      end: () => stream.end(),
    });
  }

  // Upload tokens may follow the assets they started; the tenant-wide stream refuses them.
  app.get('/v1/assets/:id/events', { schema: assetEventsSchema, config: { uploadToken: true } }, async (request, reply) => {
    const scope = assetScopeOf(request);
    const tenantId = scope.tenantId;
    const asset = await requireTenantAsset(deps, { ...scope, id: request.params.id });
    // Subscribed before the snapshot is read, so no change falls between the two.
    const subscription = await hub.subscribe({ tenantId, assetId: asset.id, uploadTokenId: scope.uploadTokenId });
    const snapshot = await showAsset(deps, tenantOf(request), { ...scope, id: asset.id }).catch((error: unknown) => {
      subscription.close();
      throw error;
    });
    const stream = openEventStream(request, reply, { heartbeatMs });
    await stream.send({ event: 'asset.snapshot', data: snapshot });
    // A deleted asset has no more events: the stream ends (a reconnecting client gets 404).
    const followScope = { tenant: tenantOf(request), uploadToken: scope.uploadTokenId !== undefined };
    follow(request, stream, subscription, 'asset', followScope, (event) => event.type === 'asset.deleted');
  });

  app.get('/v1/events/stream', { schema: eventStreamSchema }, async (request, reply) => {
    const after = request.headers['last-event-id']?.toLowerCase();
    const subscription = await hub.subscribe({ tenantId: tenantOf(request).id, ...(after ? { after } : {}) });
    follow(request, openEventStream(request, reply, { heartbeatMs }), subscription, 'tenant', { tenant: tenantOf(request), uploadToken: false });
  });
};

export default liveRoutes;
