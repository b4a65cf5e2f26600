import { defineConfig } from 'drizzle-kit';

// Generates SQL migrations from the table definitions. Hand-written migrations (partitioned tables,
// functions) live beside the generated ones in migrations/ and are applied in file-name order.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/modules/*/tables.ts',
  out: './migrations',
});
