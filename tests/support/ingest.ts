import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { ingestBatch } from '../../src/app/ingest.js';
import type { IngestSummary } from '../../src/ingest/ingest.js';
import { listSourceFiles, type SourceFile } from '../../src/ingest/source-files.js';
import { parsePeople } from '../../src/member/people.js';
import type { PeopleData } from '../../src/member/types.js';
import type { Db } from '../../src/store/db.js';

export const silentLog = pino({ level: 'silent' });

export function readPeople(file: string): PeopleData {
  return parsePeople(JSON.parse(readFileSync(file, 'utf8')), file).data;
}

export function ingest(
  db: Db,
  files: SourceFile[],
  people: PeopleData | null,
  workers = 0,
): Promise<IngestSummary> {
  return ingestBatch(db, files, { workers, people, log: silentLog });
}

/** Files of a source directory picked by name, in the order given. */
export function pick(sourceDir: string, ...names: string[]): SourceFile[] {
  const all = listSourceFiles(sourceDir);
  return names.map((n) => {
    const f = all.find((x) => x.name === n);
    if (!f) throw new Error(`no ${n} in ${sourceDir}`);
    return f;
  });
}
