// `npm run start:worker` and the Docker image's worker (bin/start.sh). The Node check runs before
// anything else is loaded (@darkroom/core/node-floor says why); start.ts is the worker's process.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom worker')) await import('./start.js');
