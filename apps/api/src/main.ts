// `npm run start:api` and the Docker image's command. The Node check runs before anything else is
// loaded (@darkroom/core/node-floor says why); start.ts is the API's process.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom api')) await import('./start.js');
