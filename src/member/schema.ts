/**
 * The Popolo record shapes as parlparse writes them. Each record is checked on its own so
 * that one bad entry is skipped instead of failing the whole file; nested lists
 * (`other_names`, `identifiers`) are left as `unknown[]` here for the same reason.
 */
import { z } from 'zod';

const id = z.string().min(1, 'must not be empty');
const text = z.string().nullish();
// Empty strings turn up for "no date" in scraped data; they are read as absent.
const date = z
  .string()
  .regex(/^(\d{4}(-\d{2}(-\d{2})?)?)?$/, 'expected a date YYYY[-MM[-DD]]')
  .nullish();
const list = z.array(z.unknown()).nullish();

export const rawName = z.object({
  note: text,
  /** Some Popolo producers give the whole name instead of its parts. */
  name: text,
  given_name: text,
  family_name: text,
  honorific_prefix: text,
  // parlparse writes `lordname`/`lordofname`; the Popolo-style spelling is accepted too.
  lordname: text,
  lordofname: text,
  lord_name: text,
  lord_of_name: text,
  start_date: date,
  end_date: date,
});

export const rawIdentifier = z.object({
  scheme: id,
  identifier: z.union([z.string(), z.number()]),
});

export const rawPerson = z.object({
  id,
  name: text,
  other_names: list,
  identifiers: list,
  shortcuts: z.object({ latest_name: text }).nullish(),
});

export const rawMembership = z.object({
  id,
  person_id: id,
  post_id: text,
  on_behalf_of_id: text,
  organization_id: text,
  start_date: date,
  end_date: date,
  start_reason: text,
  end_reason: text,
});

export const rawOrganization = z.object({
  id,
  name: z.string(),
  classification: text,
});

export const rawPost = z.object({
  id,
  organization_id: text,
  area: z.union([z.string(), z.object({ name: text })]).nullish(),
  label: text,
  role: text,
});

export type RawName = z.infer<typeof rawName>;
export type RawPerson = z.infer<typeof rawPerson>;
export type RawMembership = z.infer<typeof rawMembership>;
export type RawPost = z.infer<typeof rawPost>;
