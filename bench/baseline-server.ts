/**
 * The API bench's baseline: a bare Fastify server with one route doing one INSERT into a table
 * shaped like `assets` (its columns and indexes), and one doing one SELECT by primary key. Same Postgres, same driver and
 * pool size as the API, no auth, no validation, no presigning, no logging: the floor an upload
 * start could reach on this machine.
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import postgres from 'postgres';

const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.PG_POOL ?? 10), onnotice: () => {} });
// A similar table: `assets`' own columns, defaults and indexes (every index costs an INSERT), no foreign keys.
await sql`create table if not exists bench_baseline_assets (like assets including defaults including indexes)`;
const tenantId = randomUUID();

const app = Fastify({ logger: false });
app.post('/baseline/uploads', async (request) => {
  const body = request.body as { filename: string; contentType: string; size: number };
  const id = randomUUID();
  const [row] =
    await sql`insert into bench_baseline_assets (id, tenant_id, status, filename, content_type, size, preset, original_key, upload_expires_at)
    values (${id}, ${tenantId}, 'awaiting_upload', ${body.filename}, ${body.contentType}, ${body.size}, 'default', ${`originals/${tenantId}/${id}`}, now() + interval '1 day')
    returning *`;
  return { asset: row };
});
app.get('/baseline/assets/:id', async (request, reply) => {
  const [row] = await sql`select * from bench_baseline_assets where id = ${(request.params as { id: string }).id}`;
  return row ? { asset: row } : reply.status(404).send({ error: 'not found' });
});
app.get('/baseline/ids', async () => (await sql`select id from bench_baseline_assets limit 1`).map((r) => r.id));
process.on(
  'SIGTERM',
  () =>
    void app
      .close()
      .then(() => sql.end())
      .then(() => process.exit(0)),
);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
