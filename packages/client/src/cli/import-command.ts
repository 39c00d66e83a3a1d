import type { Import } from '../types.js';
import { commandName, parseImportArgs, usage, type ImportCommand } from './import-args.js';
import { importParts, PartBuilder, type ImportSettings } from './import-parts.js';
import { EXIT, exitOf, ImportSession, INTERRUPTED, PREFIX, type CommandIo } from './import-session.js';
import { formatBytes, formatCount } from './import-view.js';
import { readList, type ListItem } from './url-list.js';

/**
 * `npm run import` (the package's `darkroom-import`): a client of the API like any other. Starts an
 * import of a URL list (several, one after another, past what one takes) or of a bucket, follows
 * each to its end, and says how each ended. Resolves with the exit status.
 */
export async function runImportCommand(argv: string[], io: CommandIo): Promise<number> {
  const name = commandName(io.env);
  const command = parseImportArgs(argv, io.env);
  if ('error' in command) {
    io.err.write(`${PREFIX}: ${command.error}\n`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    io.out.write(usage(name));
    return EXIT.done;
  }
  const session = new ImportSession(command, io, name);
  try {
    if (command.kind === 'follow') return await followOne(session, command.id);
    if (command.kind === 'bucket') return outcome(await session.run(command.body, bucketWords(command.body.source)));
    return await importList(session, command);
  } catch (error) {
    return session.refused(error);
  }
}

const outcome = (ended: Import | typeof INTERRUPTED) => (ended === INTERRUPTED ? EXIT.interrupted : exitOf([ended]));

function bucketWords(source: Extract<ImportCommand, { kind: 'bucket' }>['body']['source']): string {
  if (source.type !== 'bucket') return 'a list of URLs';
  const where = source.endpoint ? `on ${source.endpoint}` : "on the deployment's own endpoint";
  return `every object of bucket ${source.bucket}${source.prefix ? ` under ${source.prefix}` : ''} ${where}`;
}

async function followOne(session: ImportSession, id: string): Promise<number> {
  const { import: imp } = await session.client.imports.get(id);
  session.io.err.write(`Following import ${imp.id} (${imp.status}), started ${imp.createdAt}.\n`);
  return outcome(await session.followToEnd(imp));
}

interface ListPlan {
  items: number;
  parts: number;
  lastLine: number;
}

/**
 * The whole list read once before anything is sent: every line the API would refuse named (up to
 * SHOWN_PROBLEMS), and how many imports it makes. Then read again, an import at a time.
 */
const SHOWN_PROBLEMS = 20;

async function checkList(session: ImportSession, file: string, settings: ImportSettings): Promise<ListPlan | null> {
  const plan: ListPlan = { items: 0, parts: 0, lastLine: 0 };
  const builder = new PartBuilder(settings);
  let problems = 0;
  try {
    for await (const item of readList(session.io.openList(file))) {
      if (session.io.interrupt.aborted) return null;
      if ('error' in item) {
        if (++problems <= SHOWN_PROBLEMS) session.say(`${file}: ${item.error}`);
        continue;
      }
      plan.items++;
      plan.lastLine = item.line;
      if (builder.add(item)) plan.parts++;
    }
  } catch (error) {
    session.say(`cannot read ${file}: ${(error as Error).message}`);
    return null;
  }
  if (builder.finish()) plan.parts++;
  if (problems > 0) session.say(`${file}: ${problems} line(s) to put right (nothing was sent)`);
  else if (plan.items === 0) session.say(`${file} holds no URL: one a line, or CSV with a header naming url`);
  return problems > 0 || plan.items === 0 ? null : plan;
}

/** The list's items, as checked the first time; a line that no longer passes stops the run (the file changed meanwhile). */
async function* checkedItems(session: ImportSession, file: string, changed: { line: string | null }): AsyncGenerator<ListItem> {
  for await (const item of readList(session.io.openList(file))) {
    if ('error' in item) {
      changed.line = item.error;
      return;
    }
    yield item;
  }
}

async function importList(session: ImportSession, command: Extract<ImportCommand, { kind: 'urls' }>): Promise<number> {
  const { io } = session;
  const plan = await checkList(session, command.file, command.settings);
  if (io.interrupt.aborted) return EXIT.interrupted;
  if (!plan) return EXIT.usage;
  const ended: Import[] = [];
  const changed: { line: string | null } = { line: null };
  for await (const part of importParts(checkedItems(session, command.file, changed), command.settings)) {
    const [first, last] = [part.lines[0]!, part.lines.at(-1)!];
    const what = `${formatCount(part.lines.length)} URLs, lines ${formatCount(first)}–${formatCount(last)} of ${command.file}`;
    if (io.interrupt.aborted) {
      notStarted(session, command.file, ended.length + 1, plan);
      return EXIT.interrupted;
    }
    if (plan.parts > 1) io.err.write(`Import ${ended.length + 1} of ${plan.parts}:\n`);
    let result: Import | typeof INTERRUPTED;
    try {
      result = await session.run(part.body, what);
    } catch (error) {
      return session.refused(error, { lines: part.lines, file: command.file });
    }
    if (result === INTERRUPTED) {
      if (last < plan.lastLine) notStarted(session, command.file, ended.length + 2, plan);
      return EXIT.interrupted;
    }
    ended.push(result);
  }
  if (changed.line) {
    session.say(`${command.file} changed while it was imported: ${changed.line}`);
    return EXIT.usage;
  }
  if (plan.parts > 1) io.out.write(`${totalsLine(ended)}\n`);
  return exitOf(ended);
}

function notStarted(session: ImportSession, file: string, next: number, plan: ListPlan): void {
  const which = next === plan.parts ? `Import ${next}` : `Imports ${next} to ${plan.parts}`;
  session.io.err.write(
    `${which} of ${file} not started: once the imports started have ended, run the same command again (what is imported is skipped).\n`,
  );
}

function totalsLine(ended: Import[]): string {
  const sum = (pick: (imp: Import) => number) => ended.reduce((total, imp) => total + pick(imp), 0);
  const found = formatCount(sum((imp) => imp.counts.found));
  const counts = `${formatCount(sum((imp) => imp.counts.imported))} imported (${formatBytes(sum((imp) => imp.counts.bytes))}), ${formatCount(sum((imp) => imp.counts.skipped))} skipped, ${formatCount(sum((imp) => imp.counts.failed))} failed`;
  return `All ${ended.length} imports: of ${found} found, ${counts}.`;
}
