import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Store and queue tests share one real Postgres/Redis; files run in parallel
    // but each uses its own schema or key prefix (see tests/support).
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
