import { abortError, DarkroomError } from '../errors.js';
import { DarkroomClient } from '../index.js';
import type { Import, StartImportBody } from '../types.js';
import { DEFAULT_API } from './import-args.js';
import { createDisplay, type Terminal } from './import-display.js';
import { failureLines, formatCount, summaryLines } from './import-view.js';

/** What the command is given by the process (or a test). */
export interface CommandIo {
  /** Summaries and failures. */
  out: Terminal;
  /** Progress, and what went wrong. */
  err: Terminal;
  env: Record<string, string | undefined>;
  /** Ctrl-C: stop following (the import goes on). */
  interrupt: AbortSignal;
  /** A list's text, a chunk at a time. */
  openList(path: string): AsyncIterable<string>;
  now(): number;
}

export const EXIT = { done: 0, failures: 1, usage: 2, interrupted: 130 } as const;
export const PREFIX = 'darkroom import';
export const INTERRUPTED = 'interrupted';

/** The import being started when the API refused it: its items' lines, to name the one it refused. */
interface Started {
  lines?: number[] | undefined;
  file?: string | undefined;
}

/** One run of the command against one API with one key: starting, following, and saying how each import ended. */
export class ImportSession {
  readonly client: DarkroomClient;

  constructor(
    readonly reaching: { api: string; apiKey: string },
    readonly io: CommandIo,
    readonly name: string,
  ) {
    this.client = new DarkroomClient({ baseUrl: reaching.api, token: reaching.apiKey, resumeStore: false });
  }

  /** A message on stderr, as the command's own. */
  say(message: string): void {
    this.io.err.write(`${PREFIX}: ${message}\n`);
  }

  /** Starts an import (never retried, and not stopped by Ctrl-C halfway), then follows it to its end. */
  async run(body: StartImportBody, what: string): Promise<Import | typeof INTERRUPTED> {
    const { import: started } = await this.client.imports.start(body);
    this.io.err.write(`Import ${started.id} started: ${what}${body.dryRun ? ' (a dry run)' : ''}.\n`);
    return this.followToEnd(started);
  }

  /** Shows the import's progress until it ends, then its summary and failures; on Ctrl-C, how to follow it again. */
  async followToEnd(imp: Import): Promise<Import | typeof INTERRUPTED> {
    const display = createDisplay(this.io.err, () => this.io.now());
    let ended: Import;
    try {
      if (this.io.interrupt.aborted) throw abortError(this.io.interrupt);
      display.update(imp);
      ended = await this.client.imports.follow(imp.id, { signal: this.io.interrupt, onProgress: (now) => display.update(now) });
    } catch (error) {
      display.finish();
      if (!(error instanceof DarkroomError) || error.code !== 'aborted') throw error;
      this.io.err.write(`Stopped following import ${imp.id}: it goes on in Darkroom. To follow it again: ${this.followCommand(imp.id)}\n`);
      return INTERRUPTED;
    }
    display.finish();
    this.io.out.write(`${summaryLines(ended, this.io.now()).join('\n')}\n`);
    await this.listFailures(ended);
    return ended;
  }

  followCommand(id: string): string {
    return `${this.name} --follow ${id}${this.reaching.api === DEFAULT_API ? '' : ` --api ${this.reaching.api}`}`;
  }

  /** Every failed item, a page at a time, in the import's order (Ctrl-C stops the list, not the import). */
  private async listFailures(imp: Import): Promise<void> {
    if (imp.counts.failed === 0) return;
    this.io.out.write(`Failed (${formatCount(imp.counts.failed)}):\n`);
    for (let cursor: string | null = null; !this.io.interrupt.aborted; ) {
      const page = await this.client.imports.items(imp.id, { status: 'failed', limit: 100, ...(cursor ? { cursor } : {}) });
      for (const item of page.items) this.io.out.write(`${failureLines(item).join('\n')}\n`);
      cursor = page.nextCursor;
      if (!cursor) return;
    }
  }

  /** The exit status of a refusal or a failure to reach the API, with its message written. */
  refused(error: unknown, started: Started = {}): number {
    if (!(error instanceof DarkroomError)) throw error;
    const { code, status, message } = error;
    if (code === 'network_error') {
      this.say(`no answer from the API at ${this.reaching.api} (${message.replace(/\.$/, '')}): is it running there? --api names another`);
      return EXIT.failures;
    }
    if (status === 401 || status === 403) {
      this.say(`the API refused DARKROOM_API_KEY (${code}: ${message}): give the tenant's API key`);
      return EXIT.usage;
    }
    if (status === 400 || status === 404 || status === 409) {
      this.say(`the API refused it: ${lineOf(error, started)}${code}: ${message}`);
      return EXIT.usage;
    }
    this.say(`the API answered ${status} ${code}: ${message}`);
    return EXIT.failures;
  }
}

/** `list.txt: line 12: ` for the item a refusal names (details.index), when the list is known. */
function lineOf(error: DarkroomError, started: Started): string {
  const index = error.details?.index;
  const line = typeof index === 'number' ? started.lines?.[index] : undefined;
  return line === undefined ? '' : `${started.file}: line ${line}: `;
}

/** 0 when every import ended done without a failure; 1 otherwise. */
export function exitOf(ended: Import[]): number {
  return ended.every((imp) => imp.status === 'done' && imp.counts.failed === 0) ? EXIT.done : EXIT.failures;
}
