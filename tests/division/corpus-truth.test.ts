import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeedFile } from '../../src/debate/parse.js';
import { corpusAvailable, corpusDir } from '../support/corpus.js';
import { countXml, feedFiles } from './count-xml.js';

describe.skipIf(!corpusAvailable())('divisions and votes of the shared week, counted two ways', () => {
  it('the parser finds exactly the divisions and votes a plain count of the XML finds, per file', () => {
    const files = feedFiles(corpusDir);
    expect(files.length).toBe(59);
    let divisions = 0;
    let votes = 0;
    for (const f of files) {
      const doc = parseFeedFile(readFileSync(f.file), f.name);
      const parsed = {
        divisions: doc.divisions.length,
        votes: doc.divisions.reduce((n, d) => n + d.votes.length, 0),
      };
      expect(parsed, f.name).toEqual(countXml(f.file));
      divisions += parsed.divisions;
      votes += parsed.votes;
    }
    // Every version of every day (the store keeps only each day's current one: 27 and 3,920).
    expect({ divisions, votes }).toEqual({ divisions: 28, votes: 4328 });
  });
});
