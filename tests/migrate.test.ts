import { describe, expect, it } from 'vitest';
import { splitStatements } from '../src/store/migrate.js';

describe('migration scripts', () => {
  it('split on lines ending with a semicolon, keeping $$-quoted function bodies whole', () => {
    const sql = [
      'CREATE TABLE a (x int);',
      'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$',
      'BEGIN',
      '  DELETE FROM a;',
      '  INSERT INTO a VALUES (1);',
      'END $$;',
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;',
      'DROP TABLE b;',
    ].join('\n');
    const parts = splitStatements(sql)
      .map((s) => s.trim())
      .filter(Boolean);
    expect(parts).toHaveLength(4);
    expect(parts[1]).toContain('DELETE FROM a;\n  INSERT INTO a VALUES (1);\nEND $$');
    expect(parts[2]).toBe('CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$');
    expect(parts[3]).toBe('DROP TABLE b');
  });
});
