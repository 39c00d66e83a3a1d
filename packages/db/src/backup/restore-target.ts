/**
 * pgBackRest's restore arguments for `db:restore`'s own: `--time=T` (any time Date reads, with a
 * zone) restores to that moment, nothing to the newest archived WAL; `--timeline=current` stays on
 * the backup's timeline (after a restore to a time, `latest` would follow the branch it made).
 */
export function restoreArguments(argv: readonly string[], dataDirInUse: boolean): string[] {
  const options = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--(time|timeline)=(.+)$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg} (--time=TIMESTAMP, --timeline=current|latest)`);
    options.set(match[1]!, match[2]!);
  }
  // --delta restores over what is left of a data directory (pgBackRest refuses it on an empty one).
  // Promote opens the database for writes at the target (without one, Postgres promotes by itself
  // at the end of the archived WAL).
  const args = dataDirInUse ? ['--delta'] : [];
  const time = options.get('time');
  if (time !== undefined) args.push('--type=time', `--target=${targetTime(time)}`, '--target-action=promote');
  const timeline = options.get('timeline');
  if (timeline !== undefined) {
    if (!/^(current|latest|\d+)$/.test(timeline)) throw new Error(`--timeline must be current, latest or a number, not ${timeline}`);
    args.push(`--target-timeline=${timeline}`);
  }
  return args;
}

/** The form both pgBackRest (to pick the backup) and Postgres read: `2026-11-24 03:10:00.000+00`. */
export function targetTime(text: string): string {
  if (!/(Z|[+-]\d{2}(:?\d{2})?)$/i.test(text.trim())) throw new Error(`--time needs a time zone (Z or +00:00): ${text}`);
  const date = new Date(text.trim().replace(/([+-]\d{2})$/, '$1:00'));
  if (Number.isNaN(date.getTime())) throw new Error(`--time is not a time: ${text}`);
  return `${date.toISOString().replace('T', ' ').replace('Z', '')}+00`;
}
