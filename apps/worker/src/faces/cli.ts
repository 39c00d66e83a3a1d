// `npm run faces`. The Node check runs before anything else is loaded
// (@darkroom/core/node-floor says why); command.ts is the command itself.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom faces')) await import('./command.js');
