// `npm run start:delivery` and the Docker image's delivery target (bin/start.sh). The Node check runs
// before anything else is loaded (@darkroom/core/node-floor says why); start.ts is the server's process.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom delivery')) await import('./start.js');
