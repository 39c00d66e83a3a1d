// `npm run db:backup`. The Node check runs before anything else is loaded
// (@darkroom/core/node-floor says why); backup-command.ts is the command itself.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom db:backup')) await import('./backup-command.js');
