/**
 * A one-file import behind four 10,000-item imports of other tenants, on one worker that runs
 * imports (its IMPORT_SLOTS, 4, all taken by the large ones): from its POST until it is `done`,
 * against its goal of 30 s (docs/design/imports.md#slices). The files come from a local HTTP server,
 * one small JPEG for every URL, so the large imports are under way, and far from done, throughout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_IMPORT_ITEMS } from '@darkroom/core/limits';
import { tinyJpegs } from '../scripts/source-bucket.js';
import type { TestApi } from '../test/support/client.js';
import { emptyQueues, startImport, startImportRig, waitForImport } from './import-support.js';
import { step } from './support.js';
import { type BenchRow, row } from './table.js';

const GOAL_MS = 30_000;
const LARGE = ['fair-a', 'fair-b', 'fair-c', 'fair-d'];

const importOf = (tenant: TestApi, id: string) => tenant.raw('GET', `/v1/imports/${id}`).then((res) => res.body.import);

export async function fairImportRows(): Promise<BenchRow[]> {
  const [photo] = await tinyJpegs(1);
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': photo!.length }).end(photo));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = (name: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/${name}.jpg`;
  const rig = await step('the API and a worker that runs imports', () => startImportRig(0));
  try {
    const tenantOf = async (name: string) => rig.admin.withToken((await rig.admin.createTenant(name)).apiKey);
    const large: { tenant: TestApi; id: string }[] = [];
    for (const name of LARGE) {
      const tenant = await tenantOf(name);
      const items = Array.from({ length: MAX_IMPORT_ITEMS }, (_, n) => ({ url: url(`${name}-${n}`) }));
      large.push({ tenant, id: await startImport(tenant, { source: { type: 'urls', items } }) });
    }
    await step('the four large imports under way', async () => {
      while (!(await Promise.all(large.map(async (l) => (await importOf(l.tenant, l.id)).counts.imported > 0))).every(Boolean)) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    const small = await tenantOf('fair-e');
    const started = performance.now();
    const id = await startImport(small, { source: { type: 'urls', items: [{ url: url('small') }] } });
    await waitForImport(small, id, 1, 50);
    const ms = performance.now() - started;
    const running = (await Promise.all(large.map((l) => importOf(l.tenant, l.id)))).filter((imp) => imp.status === 'running').length;
    for (const l of large) await l.tenant.raw('POST', `/v1/imports/${l.id}/cancel`);
    return [
      row(
        `a one-file import behind four ${MAX_IMPORT_ITEMS}-item imports of other tenants (${running} still running): POST → done`,
        `${(ms / 1000).toFixed(1)} s`,
        '—',
        null,
        `≤ ${GOAL_MS / 1000} s`,
        ms <= GOAL_MS && running === LARGE.length,
      ),
    ];
  } finally {
    await rig.close();
    await emptyQueues();
    server.close();
  }
}
