import { defineConfig } from 'drizzle-kit';

// Only `drizzle-kit generate` uses this; migrations are applied by `npm run db:migrate` (src/migrate.ts).
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/schema.ts', './src/webhook-schema.ts', './src/event-count-schema.ts', './src/import-schema.ts', './src/moderation-schema.ts'],
  out: './migrations',
});
