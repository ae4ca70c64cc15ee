/**
 * The trained model file: plain JSON (committed under tags/models/, so running needs no
 * training), validated on load. `tags/models/current.json` names the model in use.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const MODEL_FORMAT = 'hansard-watch/tag-model';

const classifierSchema = z.strictObject({
  tag: z.string().min(1),
  bias: z.number(),
  /** One weight per vocabulary term, then one per keyword feature. */
  weights: z.array(z.number()),
});

const modelSchema = z
  .strictObject({
    format: z.literal(MODEL_FORMAT),
    /** `model-v<N>`: the file name without extension. */
    id: z.string().regex(/^model-v\d+$/),
    training: z.strictObject({
      examples: z.number().int().nonnegative(),
      positives: z.record(z.string(), z.number().int().nonnegative()),
      dataHash: z.string(),
      taxonomyHash: z.string(),
      options: z.record(z.string(), z.number()),
    }),
    features: z.strictObject({
      terms: z.array(z.string()),
      idf: z.array(z.number()),
      keywordFeatures: z.array(z.string()),
    }),
    classifiers: z.array(classifierSchema),
    /**
     * Per tag, a second classifier over the text terms alone (one weight per term, no rule
     * features), consulted only for paragraphs no pattern matched (model-v5 on; absent in
     * older model files, which then decide such paragraphs by the main classifier alone).
     */
    textClassifiers: z.array(classifierSchema).optional(),
    /**
     * Per tag, the indices of its topical terms (see TrainOptions.topicalPrecision): a tag no
     * pattern supports needs one of them, and only they are shown as classifier evidence.
     * Absent (model-v5 and older): every term counts.
     */
    topical: z
      .array(z.strictObject({ tag: z.string().min(1), terms: z.array(z.number().int().nonnegative()) }))
      .optional(),
  })
  .superRefine((m, ctx) => {
    if (m.features.idf.length !== m.features.terms.length)
      ctx.addIssue({ code: 'custom', path: ['features', 'idf'], message: 'must have one value per term' });
    const dim = m.features.terms.length + m.features.keywordFeatures.length;
    m.classifiers.forEach((c, i) => {
      if (c.weights.length !== dim)
        ctx.addIssue({
          code: 'custom',
          path: ['classifiers', i, 'weights'],
          message: `classifier '${c.tag}' has ${c.weights.length} weights, expected ${dim}`,
        });
    });
    m.textClassifiers?.forEach((c, i) => {
      if (c.weights.length !== m.features.terms.length)
        ctx.addIssue({
          code: 'custom',
          path: ['textClassifiers', i, 'weights'],
          message: `text classifier '${c.tag}' has ${c.weights.length} weights, expected ${m.features.terms.length}`,
        });
    });
  });

export type TagModel = z.output<typeof modelSchema>;

export function parseModel(raw: unknown, source = 'model'): TagModel {
  const result = modelSchema.safeParse(raw);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 10).map((i) => `  - ${i.path.join('.')}: ${i.message}`);
  throw new Error(`Invalid tag model ${source}:\n${issues.join('\n')}`);
}

export function loadModel(file: string): TagModel {
  return parseModel(JSON.parse(readFileSync(file, 'utf8')), file);
}

export const CURRENT_POINTER = 'current.json';

/** File name (inside modelsDir) that current.json points at, or null when there is none. */
export function currentModelFile(modelsDir: string): string | null {
  const pointer = path.join(modelsDir, CURRENT_POINTER);
  if (!existsSync(pointer)) return null;
  const parsed = z
    .strictObject({ model: z.string().min(1) })
    .safeParse(JSON.parse(readFileSync(pointer, 'utf8')));
  if (!parsed.success) throw new Error(`${pointer}: expected {"model": "<file name>"}`);
  return parsed.data.model;
}

/** The model current.json names; null (rules only) when no model has been trained yet. */
export function loadCurrentModel(modelsDir: string): TagModel | null {
  const file = currentModelFile(modelsDir);
  return file === null ? null : loadModel(path.join(modelsDir, file));
}

/** Highest N among model-v<N>.json files (0 when none). */
export function latestModelNumber(modelsDir: string): number {
  if (!existsSync(modelsDir)) return 0;
  let best = 0;
  for (const f of readdirSync(modelsDir)) {
    const n = /^model-v(\d+)\.json$/.exec(f)?.[1];
    if (n !== undefined) best = Math.max(best, Number(n));
  }
  return best;
}
