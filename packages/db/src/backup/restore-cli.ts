// `npm run db:restore`. The Node check runs before anything else is loaded
// (@darkroom/core/node-floor says why); restore-command.ts is the command itself.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom db:restore')) await import('./restore-command.js');
