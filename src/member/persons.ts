import { lowerBound } from './dates.js';
import { type IssueLog, joinPath } from './issues.js';
import { displayName, mainNames } from './names.js';
import { rawIdentifier, rawName, type RawName, type RawPerson } from './schema.js';
import type { Person, PersonName } from './types.js';

export function blankToNull(s: string | null | undefined): string | null {
  const t = s?.trim();
  return t ? t : null;
}

function toName(personId: string, seq: number, raw: RawName): PersonName {
  const parts = {
    givenName: blankToNull(raw.given_name),
    familyName: blankToNull(raw.family_name),
    honorificPrefix: blankToNull(raw.honorific_prefix),
    lordName: blankToNull(raw.lordname ?? raw.lord_name),
    lordOfName: blankToNull(raw.lordofname ?? raw.lord_of_name),
  };
  return {
    personId,
    seq,
    note: blankToNull(raw.note),
    display: blankToNull(raw.name) ?? displayName(parts),
    ...parts,
    startDate: blankToNull(raw.start_date),
    endDate: blankToNull(raw.end_date),
  };
}

function parseNames(person: RawPerson, path: string, log: IssueLog): PersonName[] {
  const names: PersonName[] = [];
  (person.other_names ?? []).forEach((value, seq) => {
    const at = joinPath(joinPath(path, 'other_names'), seq);
    const raw = log.check(rawName, value, at);
    if (!raw) return;
    const name = toName(person.id, seq, raw);
    if (name.display) names.push(name);
    else log.add(at, 'no name parts');
  });
  return names;
}

function parseIdentifiers(person: RawPerson, path: string, log: IssueLog): Record<string, string> {
  const out: Record<string, string> = {};
  (person.identifiers ?? []).forEach((value, i) => {
    const raw = log.check(rawIdentifier, value, joinPath(joinPath(path, 'identifiers'), i));
    if (raw) out[raw.scheme] = String(raw.identifier);
  });
  return out;
}

function latestName(names: PersonName[]): PersonName | undefined {
  let best: PersonName | undefined;
  for (const n of mainNames(names)) {
    if (!best || lowerBound(n.startDate) >= lowerBound(best.startDate)) best = n;
  }
  return best;
}

export function toPerson(
  raw: RawPerson,
  path: string,
  log: IssueLog,
): { person: Person; names: PersonName[] } {
  const names = parseNames(raw, path, log);
  const name =
    latestName(names)?.display ?? blankToNull(raw.shortcuts?.latest_name) ?? blankToNull(raw.name) ?? raw.id;
  return { person: { id: raw.id, name, identifiers: parseIdentifiers(raw, path, log) }, names };
}
