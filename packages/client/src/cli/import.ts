#!/usr/bin/env node
// `npm run import -- …` in the repository, `darkroom-import …` where the package is installed:
// imports a library through the API (import-command.ts; `--help` says how). Only the Node check is
// imported before it has passed, so an older Node gets one line rather than a stack trace.
import { onSupportedNode } from '@darkroom/core/node-floor';

if (onSupportedNode('darkroom import')) {
  const { createReadStream } = await import('node:fs');
  const { runImportCommand } = await import('./import-command.js');
  // The first Ctrl-C stops following (the import goes on in Darkroom); a second one ends the process at once.
  const interrupt = new AbortController();
  const stopFollowing = () => interrupt.abort();
  process.once('SIGINT', stopFollowing);
  process.exitCode = await runImportCommand(process.argv.slice(2), {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    interrupt: interrupt.signal,
    openList: (path) => createReadStream(path, { encoding: 'utf8' }),
    now: Date.now,
  });
  process.off('SIGINT', stopFollowing);
}
