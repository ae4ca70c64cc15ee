/**
 * The house to prefer when a person id fits several memberships on the date. Only feeds
 * that name speakers by person id give one (see FeedTypeEntry.speakersByPersonId); the
 * older feeds carry membership ids, which name the house themselves, and are left as they
 * were resolved before.
 */
import { feedTypeEntry } from '../parliament/index.js';

export function feedHouse(type: string): string | null {
  const entry = feedTypeEntry(type);
  return entry?.speakersByPersonId ? entry.house : null;
}
