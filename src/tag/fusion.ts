/**
 * How rules and classifier are combined for one tag, in log-odds. The classifier has
 * already seen which patterns matched (they are among its features), so:
 * - a strong pattern (weight ≥ keywordThreshold) adds its own log-odds on top, because
 *   the rules are the precise, reviewable part: it tags unless the classifier is nearly
 *   sure it should not;
 * - a weak pattern (a hint such as "tender") adds the log-odds of the tag's `weakMatchPrior`
 *   (0.5: nothing beyond what the classifier made of it; a little more: a hint is some evidence);
 * - no pattern at all subtracts the log-odds of the tag's `noMatchPrior`, so the
 *   classifier alone must be confident (it is least reliable on text no rule recognises).
 *   When the model has a text-only classifier for the tag, its log-odds are averaged with
 *   the main classifier's first: the main classifier learns to lean on the rule features,
 *   so on paragraphs no rule recognises its text weights alone are timid, while the text-only
 *   classifier had to learn the topic from the words (model-v5: 5-fold CV F1 on the training
 *   data 0.881 → 0.904 outsourcing, 0.868 → 0.881 privatisation, with noMatchPrior 0.5).
 * Plain arithmetic, kept apart so tests and evaluation can reason about it.
 */
import type { TagMethod } from './types.js';

export interface DecisionRules {
  keywordThreshold: number;
  noMatchPrior: number;
  weakMatchPrior: number;
}

export interface Decision {
  positive: boolean;
  confidence: number;
  method: TagMethod;
}

const EDGE = 1e-4;

function logit(p: number): number {
  const q = Math.min(1 - EDGE, Math.max(EDGE, p));
  return Math.log(q / (1 - q));
}

export function keywordDecision(strength: number, rules: DecisionRules): Decision {
  return { positive: strength >= rules.keywordThreshold, confidence: strength, method: 'keyword' };
}

/**
 * `probability` is null when the model has no classifier for this tag (a user-added tag);
 * `textProbability` (the text-only classifier's) is used only when no pattern matched, and
 * is null when the model has none.
 */
export function combine(
  strength: number,
  probability: number | null,
  rules: DecisionRules,
  textProbability: number | null = null,
  /** Extra log-odds from context (a heading that names the tag), for paragraphs with evidence of their own. */
  contextShift = 0,
): Decision {
  if (probability === null) return keywordDecision(strength, rules);
  const shift =
    strength >= rules.keywordThreshold
      ? logit(strength)
      : strength > 0
        ? logit(rules.weakMatchPrior)
        : logit(rules.noMatchPrior);
  const score =
    strength <= 0 && textProbability !== null
      ? (logit(probability) + logit(textProbability)) / 2
      : logit(probability);
  const z = score + shift + contextShift;
  const confidence = 1 / (1 + Math.exp(-z));
  return { positive: confidence >= 0.5, confidence, method: strength > 0 ? 'combined' : 'classifier' };
}
