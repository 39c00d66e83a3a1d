// `npm run storage:setup`. The Node check runs before anything else is loaded
// (@darkroom/core/node-floor says why); setup-command.ts is the command itself.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom storage:setup')) await import('./setup-command.js');
