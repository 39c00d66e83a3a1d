import { existsSync } from 'node:fs';
import { migrateDatabase } from './migrate.js';

// `npm run db:migrate`: applies the committed migrations to DATABASE_URL.
// npm runs workspace scripts inside the package; INIT_CWD is where the user typed the command.
const envFile = `${process.env.INIT_CWD ?? process.cwd()}/.env`;
if (existsSync(envFile)) process.loadEnvFile(envFile);
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/darkroom';

try {
  await migrateDatabase(url);
  console.log(`migrations applied to ${new URL(url).pathname.slice(1)}`);
} catch (error) {
  console.error(`migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
