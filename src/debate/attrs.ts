import type { Issues } from './issues.js';
import type { Attributes } from './xml-scanner.js';

/** An attribute's trimmed value; absent and empty both mean "not given". */
export function optional(attrs: Attributes, name: string): string | null {
  const value = attrs[name];
  if (value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

const PUBLICWHIP_ID = /^uk\.org\.publicwhip\/[a-z]+\/\d+$/;

/**
 * A raw `uk.org.publicwhip/<kind>/<n>` reference (speakerid, person_id, vote ids). parlparse
 * writes `unknown` for speakers it could not identify; that is no reference at all.
 * Odd values are kept as given (resolution decides) but reported.
 */
export function memberRef(
  attrs: Attributes,
  name: string,
  issues: Issues,
  at: number,
  element: string,
): string | null {
  const value = optional(attrs, name);
  if (value === null || value === 'unknown') return null;
  if (!PUBLICWHIP_ID.test(value))
    issues.warn(at, `${element}@${name}`, `unrecognised member reference "${value}"`);
  return value;
}

/** parlparse writes booleans as `true`/`True` (and `yes` in some lists). */
export function flag(attrs: Attributes, name: string): boolean {
  const value = optional(attrs, name)?.toLowerCase();
  return value === 'true' || value === 'yes';
}
