import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('defaults to the embedded store when DATABASE_URL is unset or empty', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    expect(loadConfig({}).HW_DATA_DIR).toBe('./data');
  });

  it('names each wrong variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      expect(String(e)).toMatch(/DATABASE_URL/);
      expect(String(e)).toMatch(/LOG_LEVEL/);
    }
  });
});

describe('resource bounds', () => {
  it('defaults to timeouts on every connection and fewer exports than connections', () => {
    const c = loadConfig({});
    expect(c.DB_STATEMENT_TIMEOUT_MS).toBeGreaterThan(0);
    expect(c.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS).toBeGreaterThan(0);
    expect(c.EXPORT_MAX_CONCURRENT).toBeLessThan(c.DB_POOL_SIZE);
  });

  it('refuses as many exports at once as the pool has connections, naming both', () => {
    expect(() => loadConfig({ DB_POOL_SIZE: '4', EXPORT_MAX_CONCURRENT: '4' })).toThrow(
      /EXPORT_MAX_CONCURRENT: must be less than DB_POOL_SIZE \(4\)/,
    );
    expect(loadConfig({ DB_POOL_SIZE: '4', EXPORT_MAX_CONCURRENT: '3' }).EXPORT_MAX_CONCURRENT).toBe(3);
  });
});
