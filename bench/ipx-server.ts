/**
 * The delivery bench's ipx (the optimizer behind Nuxt Image): its own Node HTTP listener over the
 * photos in IPX_DIR with its filesystem storage, as `ipx serve` runs it, photos turned upright. It
 * keeps no rendered result, so every request renders: `/w_640,q_75,f_webp/{file}`.
 */
import { createServer } from 'node:http';
import { createIPX, createIPXNodeServer, ipxFSStorage } from 'ipx';

// sharp's autoOrient: ipx by itself leaves a photo's EXIF orientation unapplied (sideways, and fewer
// pixels to encode); with it ipx makes the same upright 640 px image as the other systems.
const ipx = createIPX({ storage: ipxFSStorage({ dir: process.env.IPX_DIR! }), sharpOptions: { autoOrient: true } });
const server = createServer(createIPXNodeServer(ipx));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
server.listen(Number(process.env.PORT), '127.0.0.1');
