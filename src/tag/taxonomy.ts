/**
 * The tag taxonomy is data (tags/taxonomy.json) so users can add or refine tags without a
 * code change. It is validated once at load; every error names the tag, the field and,
 * for a bad regular expression, the pattern itself, because a user editing JSON by hand
 * needs to know exactly which line to fix.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const regexSource = z.string().min(1, 'must be a non-empty regular expression');

const contextPatternSchema = z.union([
  regexSource,
  z.strictObject({ pattern: regexSource, caseSensitive: z.boolean().default(false) }),
]);

const contextSetSchema = z.strictObject({
  description: z.string().optional(),
  patterns: z.array(contextPatternSchema).min(1, 'needs at least one pattern'),
});

const contextRuleSchema = z
  .strictObject({
    require: z.array(z.string().min(1)).optional(),
    veto: z.array(z.string().min(1)).optional(),
    /** Characters either side of the match searched for context; whole paragraph when omitted. */
    window: z.number().int().positive().optional(),
  })
  .refine((r) => (r.require?.length ?? 0) + (r.veto?.length ?? 0) > 0, 'needs a require or a veto list');

const patternSchema = z.strictObject({
  id: z.string().min(1),
  pattern: regexSource,
  caseSensitive: z.boolean().default(false),
  weight: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1'),
  context: contextRuleSchema.optional(),
  note: z.string().optional(),
});

const negativeSchema = z.strictObject({
  id: z.string().min(1),
  pattern: regexSource,
  caseSensitive: z.boolean().default(false),
  scope: z.enum(['overlap', 'paragraph']).default('overlap'),
  note: z.string().optional(),
});

const decisionSchema = z.strictObject({
  /** A pattern this strong tags the paragraph by keyword alone. */
  keywordThreshold: z.number().gt(0).max(1).default(0.5),
  /** Stands in for a pattern weight when nothing matched: how readily the classifier alone may tag. */
  noMatchPrior: z.number().gt(0).lt(1).default(0.2),
  /**
   * Stands in for a pattern weight when only weak patterns (below keywordThreshold) matched:
   * 0.5 (when absent) leaves the decision to the classifier, above 0.5 counts a weak hint as
   * some evidence. Not defaulted, so taxonomies written before it keep their hash and model.
   */
  weakMatchPrior: z.number().gt(0).lt(1).optional(),
  /**
   * Context sets that stop a tag no strong pattern supports: when one of them occurs in the
   * paragraph, the classifier (alone or with a weak hint) cannot give the tag. Outsourcing names
   * `own-use` here: government buying goods, works or commercial services for its own use is
   * excluded by the guidelines, and a bag of words cannot tell it from contracting out a service.
   * Optional and not defaulted, so taxonomies without it keep their hash.
   */
  unsupportedVeto: z.array(z.string().min(1)).optional(),
});

const tagSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _ (starting with a letter)'),
  label: z.string().min(1),
  description: z.string().default(''),
  decision: decisionSchema.default({ keywordThreshold: 0.5, noMatchPrior: 0.2 }),
  patterns: z.array(patternSchema).min(1, 'needs at least one pattern'),
  negatives: z.array(negativeSchema).default([]),
});

const taxonomySchema = z
  .strictObject({
    version: z.number().int().positive(),
    description: z.string().optional(),
    contexts: z.record(z.string(), contextSetSchema).default({}),
    /** Lexicons the classifier sees as features (present, and present together in pairs). */
    concepts: z.record(z.string(), contextSetSchema).default({}),
    tags: z.array(tagSchema).min(1, 'needs at least one tag'),
  })
  .superRefine(checkReferences);

export type Taxonomy = z.output<typeof taxonomySchema>;
export type TagDefinition = Taxonomy['tags'][number];
export type PatternDefinition = TagDefinition['patterns'][number];

export class TaxonomyError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`Invalid tag taxonomy ${source}:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'TaxonomyError';
  }
}

/** Regex flags used everywhere a taxonomy pattern is compiled. */
export function regexFlags(caseSensitive: boolean, global: boolean): string {
  return `${global ? 'g' : ''}${caseSensitive ? '' : 'i'}`;
}

function regexProblem(source: string, caseSensitive: boolean): string | null {
  try {
    const re = new RegExp(source, regexFlags(caseSensitive, false));
    return re.test('') ? 'matches the empty string' : null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Cross-field checks zod cannot express per field: unique ids, known context sets, compilable regexes. */
function checkReferences(tax: z.input<typeof taxonomySchema>, ctx: z.RefinementCtx): void {
  const contexts = tax.contexts ?? {};
  for (const field of ['contexts', 'concepts'] as const) {
    for (const [name, set] of Object.entries(tax[field] ?? {})) {
      if (field === 'concepts' && !/^[a-z][a-z0-9-]*$/.test(name))
        ctx.addIssue({
          code: 'custom',
          path: [field, name],
          message: 'concept names must be lower-case letters, digits or -',
        });
      set.patterns.forEach((p, i) => {
        const src = typeof p === 'string' ? p : p.pattern;
        const problem = regexProblem(src, typeof p === 'string' ? false : (p.caseSensitive ?? false));
        if (problem)
          ctx.addIssue({
            code: 'custom',
            path: [field, name, 'patterns', i],
            message: `bad regular expression /${src}/: ${problem}`,
          });
      });
    }
  }
  const seenTags = new Set<string>();
  tax.tags.forEach((tag, t) => {
    if (seenTags.has(tag.id))
      ctx.addIssue({ code: 'custom', path: ['tags', t, 'id'], message: `duplicate tag id '${tag.id}'` });
    seenTags.add(tag.id);
    const seenPatterns = new Set<string>();
    const lists = [['patterns', tag.patterns] as const, ['negatives', tag.negatives ?? []] as const];
    for (const [field, list] of lists) {
      list.forEach((p, i) => {
        if (seenPatterns.has(p.id))
          ctx.addIssue({
            code: 'custom',
            path: ['tags', t, field, i, 'id'],
            message: `duplicate pattern id '${p.id}'`,
          });
        seenPatterns.add(p.id);
        const problem = regexProblem(p.pattern, p.caseSensitive ?? false);
        if (problem)
          ctx.addIssue({
            code: 'custom',
            path: ['tags', t, field, i, 'pattern'],
            message: `bad regular expression /${p.pattern}/: ${problem}`,
          });
      });
    }
    (tag.decision?.unsupportedVeto ?? []).forEach((ref, i) => {
      if (!(ref in contexts))
        ctx.addIssue({
          code: 'custom',
          path: ['tags', t, 'decision', 'unsupportedVeto', i],
          message: `unknown context set '${ref}' (define it under "contexts")`,
        });
    });
    tag.patterns.forEach((p, i) => {
      for (const kind of ['require', 'veto'] as const) {
        for (const ref of p.context?.[kind] ?? []) {
          if (!(ref in contexts))
            ctx.addIssue({
              code: 'custom',
              path: ['tags', t, 'patterns', i, 'context', kind],
              message: `unknown context set '${ref}' (define it under "contexts")`,
            });
        }
      }
    });
  });
}

/** Turns a zod path into words a user can act on: `tag 'aco' › patterns[3] 'icp-acronym' › pattern`. */
function describePath(raw: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = raw;
  for (const key of path) {
    node = isRecord(node) || Array.isArray(node) ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    if (typeof key !== 'number') {
      parts.push(String(key));
      continue;
    }
    // An array index folds into its field name, with the element's id when it has one.
    const field = parts.pop() ?? '';
    const id = isRecord(node) && typeof node.id === 'string' ? node.id : null;
    if (field === 'tags') parts.push(id ? `tag '${id}'` : `tags[${key}]`);
    else parts.push(`${field}[${key}]${id ? ` '${id}'` : ''}`);
  }
  return parts.join(' › ') || '(root)';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates already-parsed JSON; `source` names the file in error messages. */
export function parseTaxonomy(raw: unknown, source = 'taxonomy'): Taxonomy {
  const result = taxonomySchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => `${describePath(raw, i.path)}: ${i.message}`);
  throw new TaxonomyError(source, issues);
}

export function loadTaxonomy(file: string): Taxonomy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TaxonomyError(file, [`cannot read JSON: ${(err as Error).message}`]);
  }
  return parseTaxonomy(raw, file);
}

/** Stable fingerprint of the rules, so stored tags can record which rules produced them. */
export function taxonomyHash(tax: Taxonomy): string {
  return createHash('sha1').update(JSON.stringify(tax)).digest('hex').slice(0, 10);
}
