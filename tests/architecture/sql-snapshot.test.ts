/**
 * src/queries/*.sql must be what `npm run sql:snapshot` (scripts/sql-snapshot.ts) makes of
 * the source now, so that every change to SQL is seen in review.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { QUERIES_DIR, sqlSnapshots, statementsOf, storedSnapshots } from '../../scripts/sql-snapshot.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RERUN = `SQL changed: run \`npm run sql:snapshot\` and commit ${QUERIES_DIR}/`;

describe('SQL snapshots', () => {
  it(`${QUERIES_DIR}/ matches the SQL in the source`, () => {
    const fresh = sqlSnapshots(root);
    const stored = storedSnapshots(root);
    expect([...stored.keys()], RERUN).toEqual([...fresh.keys()]);
    for (const [name, text] of fresh) expect(stored.get(name), `${RERUN} (${name})`).toBe(text);
    // Repositories are where most SQL lives: an extraction that missed them would pass vacuously.
    expect(fresh.get('speech-repository.sql')).toMatch(/^-- SpeechRepository\.get$/m);
  });

  it('names statements by class and method, numbers repeats, and shows interpolations', () => {
    const source = `
      const COLUMNS = 'gid, body';
      export class ThingRepository {
        async get(id: string) {
          await this.db.query('SAVEPOINT a');
          return this.db.query(\`SELECT \${COLUMNS}
                                  FROM things WHERE id = $1\`, [id]);
        }
      }
      export function where(c: string[]) { return \`WHERE \${c.join(' AND ')}\`; }
      const message = 'COPY row has 3 values';
      const pattern = /SELECT/.exec('Select a tag');
    `;
    expect(statementsOf('thing.ts', source)).toEqual([
      { name: 'ThingRepository.get', kind: 'statement', sql: 'SAVEPOINT a' },
      {
        name: 'ThingRepository.get#2',
        kind: 'statement',
        sql: 'SELECT ${COLUMNS}\nFROM things WHERE id = $1',
      },
      { name: 'where', kind: 'fragment', sql: "WHERE ${c.join(' AND ')}" },
    ]);
  });
});
