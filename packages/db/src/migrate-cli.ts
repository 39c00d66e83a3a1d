// `npm run db:migrate`. The Node check runs before anything else is loaded
// (@darkroom/core/node-floor says why); migrate-command.ts is the command itself.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom db:migrate')) await import('./migrate-command.js');
