import { parseArgs } from 'node:util';
import { METERS } from '@darkroom/core/contract/usage';
import { commonSettings, describeEnvIssues, loadConfigOrExit } from '@darkroom/core/env';
import { createDatabase } from '@darkroom/db/client';
import { isUuid } from '@darkroom/db/pagination';
import { readTenantUsage } from '@darkroom/db/queries/usage';
import { getTenant } from '@darkroom/db/queries/tenants';
import { z } from 'zod';
import { addPeriods, parseInstant } from '../services/usage/periods.js';
import { monthByMeter, usageTable } from './usage-table.js';

// `npm run usage -- --tenant ID --month 2026-11 [--json]`: a tenant's month of usage, every meter, as a
// table for an operator (or JSON for a script), read from usage_daily as GET /v1/usage reads it.

const refuse = (line: string): never => {
  console.error(`darkroom usage: ${line}`);
  process.exit(2);
};

let values: { tenant?: string | undefined; month?: string | undefined; json?: boolean | undefined };
try {
  ({ values } = parseArgs({ options: { tenant: { type: 'string' }, month: { type: 'string' }, json: { type: 'boolean', default: false } } }));
} catch (error) {
  refuse(`${(error as Error).message} (usage: --tenant ID --month YYYY-MM [--json])`);
}
const tenantId = values!.tenant ?? refuse('give --tenant ID --month YYYY-MM (and --json for machines)');
const monthText = values!.month ?? refuse('give --month YYYY-MM, a calendar month in UTC');
const from = /^\d{4}-\d{2}$/.test(monthText) ? parseInstant(monthText) : null;
if (!from) refuse(`--month "${monthText}" is not a month (YYYY-MM, e.g. 2026-11)`);
if (!isUuid(tenantId)) refuse(`--tenant "${tenantId}" is not a tenant id (a UUID)`);

/** The one setting the command reads, parsed as every app parses it (a bad value is named, and the command ends). */
const config = loadConfigOrExit((env) => {
  const parsed = z.object({ DATABASE_URL: commonSettings.DATABASE_URL }).safeParse(env);
  if (!parsed.success) throw new Error(describeEnvIssues(parsed.error.issues));
  return parsed.data;
});
const database = createDatabase({ url: config.DATABASE_URL, maxConnections: 1 });
try {
  const tenant = await getTenant(database.db, { id: tenantId });
  if (!tenant) refuse(`no tenant ${tenantId} in this database`);
  const days = await readTenantUsage(database.db, { tenantId, from: from!, to: addPeriods(from!, 'month'), granularity: 'day', meters: METERS });
  const months = monthByMeter(days);
  if (values!.json) {
    console.log(JSON.stringify({ tenant: { id: tenantId, name: tenant!.name }, month: monthText, meters: months }, null, 2));
  } else {
    console.log(usageTable(`${tenant!.name} (${tenantId}), ${monthText} (UTC, days as the rollup last wrote them)`, months));
  }
} catch (error) {
  console.error(`darkroom usage: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
