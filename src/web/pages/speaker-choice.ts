/**
 * A person chosen by name: how people are offered in the speaker fields (search, alerts)
 * and how a typed name, a suggestion's label or an id in a link becomes one person.
 */
import { normalisePersonId } from '../../parliament/index.js';
import type { PersonRepository, PersonSummary } from '../../person/person-repository.js';

/** `David Taylor (Labour, North West Leicestershire)`: how a person is offered and shown in the speaker field. */
export function personChoiceLabel(p: PersonSummary): string {
  const where = [p.party, p.constituency ?? p.houseName].filter(Boolean).join(', ');
  return where ? `${p.name} (${where})` : p.name;
}

export type SpeakerChoice =
  | { kind: 'none' }
  | { kind: 'one'; person: PersonSummary }
  | { kind: 'several'; people: PersonSummary[] }
  | { kind: 'unknown' };

/** The person a link's id or a typed speaker names: a suggestion's full label, a unique name, or a choice to make. */
export async function resolveSpeaker(
  people: Pick<PersonRepository, 'profile' | 'searchByName'>,
  q: { person?: string; speaker?: string },
): Promise<SpeakerChoice> {
  const personId = q.person ? normalisePersonId(q.person) : null;
  if (personId) {
    const profile = await people.profile(personId);
    return profile ? { kind: 'one', person: profile } : { kind: 'unknown' };
  }
  const typed = q.speaker?.trim();
  if (!typed) return { kind: 'none' };
  const name = typed.replace(/\s*\(.*$/, '').trim();
  if (name.length < 2) return { kind: 'unknown' };
  const found = await people.searchByName(name, 20);
  const byLabel = found.filter((p) => personChoiceLabel(p).toLowerCase() === typed.toLowerCase());
  const byName = found.filter((p) => p.name.toLowerCase() === name.toLowerCase());
  const pick =
    byLabel.length === 1 ? byLabel : byName.length === 1 ? byName : found.length === 1 ? found : null;
  if (pick) return { kind: 'one', person: pick[0]! };
  if (found.length === 0) return { kind: 'unknown' };
  return { kind: 'several', people: byName.length > 1 ? byName : found };
}
