/**
 * The delivery bench's ipx (the optimizer behind Nuxt Image): its own Node HTTP listener over the
 * photos in IPX_DIR with its filesystem storage, as `ipx serve` runs it. It keeps no rendered
 * result, so every request renders: `/w_640,q_75,f_webp/{file}`.
 */
import { createServer } from 'node:http';
import { createIPX, createIPXNodeServer, ipxFSStorage } from 'ipx';

const ipx = createIPX({ storage: ipxFSStorage({ dir: process.env.IPX_DIR! }) });
const server = createServer(createIPXNodeServer(ipx));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT), '127.0.0.1');
