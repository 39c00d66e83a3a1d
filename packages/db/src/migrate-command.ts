import { commonSettings, describeEnvIssues, loadProjectDotEnv } from '@darkroom/core/env';
import { z } from 'zod';
import { migrateDatabase } from './migrate.js';

// `npm run db:migrate`: applies the committed migrations to DATABASE_URL (read, default included,
// as every app reads it).
loadProjectDotEnv();
const settings = z.object({ DATABASE_URL: commonSettings.DATABASE_URL }).safeParse(process.env);
if (!settings.success) {
  console.error(`migration failed: ${describeEnvIssues(settings.error.issues)}`);
  process.exit(1);
}
const url = settings.data.DATABASE_URL;

try {
  await migrateDatabase(url);
  console.log(`migrations applied to ${new URL(url).pathname.slice(1)}`);
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
