import { loadProjectDotEnv } from '@darkroom/core/env';
import { migrateDatabase } from './migrate.js';

// `npm run db:migrate`: applies the committed migrations to DATABASE_URL.
loadProjectDotEnv();
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/darkroom';

try {
  await migrateDatabase(url);
  console.log(`migrations applied to ${new URL(url).pathname.slice(1)}`);
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
