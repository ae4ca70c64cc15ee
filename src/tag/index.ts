/**
 * Public API of the tagging core. The pipeline, CLI and workers import from here.
 *
 *   const tagger = createTagger(loadTaggerInput());   // or createDefaultTagger()
 *   tagger.tagSpeech(speech.paragraphs.map(({ pid, seq, text }) => ({ pid, seq, text })));
 *
 * `loadTaggerInput()` returns plain data (taxonomy + model) that can be posted to a
 * worker thread, which then calls `createTagger` itself.
 */
export { createTagger, type Tagger, type TaggerInput } from './tagger.js';
export { createDefaultTagger, loadTaggerInput } from './load.js';
export { loadTaxonomy, parseTaxonomy, taxonomyHash, TaxonomyError, type Taxonomy } from './taxonomy.js';
export { loadModel, loadCurrentModel, parseModel, type TagModel } from './model.js';
export { compileKeywordRules, findKeywordMatches, type KeywordRules, type MatchOptions } from './keyword.js';
export {
  trainModels,
  runTrain,
  DEFAULT_TRAIN_OPTIONS,
  type RunTrainOptions,
  type TrainOptions,
  type TrainReport,
} from './train.js';
export {
  evaluate,
  formatEvalReport,
  readEvalRows,
  runEval,
  type EvalReport,
  type EvalRow,
  type RunEvalOptions,
} from './eval.js';
export {
  assignFolds,
  crossValidate,
  runCrossValidation,
  type CrossValidateInput,
  type CrossValidation,
  type RunCrossValidationOptions,
} from './cv.js';
export { loadTrainingExamples, type Example } from './data.js';
export { loadRealRows, realCrossValidation, runRealCrossValidation, type RealCvOptions } from './real-cv.js';
export { defaultTagsDir, tagPaths } from './paths.js';
export type * from './types.js';
