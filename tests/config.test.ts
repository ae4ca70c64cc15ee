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
