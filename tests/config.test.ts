import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseLimits } from '../src/config.js';
import { DEFAULT_PARSE_LIMITS } from '../src/debate/limits.js';

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

  it('reads the parser’s bounds, defaulting to the parser’s own, and names a bad one', () => {
    expect(parseLimits(loadConfig({}))).toEqual(DEFAULT_PARSE_LIMITS);
    expect(parseLimits(loadConfig({ HW_MAX_PARAGRAPH_CHARS: '5000', HW_MAX_XML_DEPTH: '64' }))).toEqual({
      ...DEFAULT_PARSE_LIMITS,
      maxParagraph: 5000,
      maxDepth: 64,
    });
    expect(() => loadConfig({ HW_MAX_TEXT_NODE_CHARS: '0' })).toThrow(
      /HW_MAX_TEXT_NODE_CHARS: must be at least 1000/,
    );
    expect(() => loadConfig({ HW_MAX_ENTITY_EXPANSION_CHARS: 'lots' })).toThrow(
      /HW_MAX_ENTITY_EXPANSION_CHARS/,
    );
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
