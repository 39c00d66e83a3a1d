// `npm run orphans`. The Node check runs before anything else is loaded
// (@darkroom/core/node-floor says why); orphans-command.ts is the command itself.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom orphans')) await import('./orphans-command.js');
