// `npm run usage`. The Node check runs before anything else is loaded
// (@darkroom/core/node-floor says why); usage-command.ts is the command itself.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom usage')) await import('./usage-command.js');
