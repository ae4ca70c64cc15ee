/**
 * The rows of a file that translates another language's file of the same day (the
 * Senedd's `cy/` files): each speech becomes the Welsh text of the English speech it
 * shares its id with (migration 027), and every item's own id redirects to the English
 * one. Nothing else is written, so search, tags and alerts, which work on speeches, see
 * one speech in two languages.
 */
import type { CopyText } from '../store/copy-text.js';
import { firstLanguageGid, type FeedType } from '../parliament/index.js';
import type { ParseIssue, ParsedDocument, ParsedSpeech } from '../debate/types.js';

export interface TranslationTables {
  speech_translations: CopyText;
  gid_redirects: CopyText;
}

/** Match type of a redirect from an item's id in one language to its id in the first. */
export const TRANSLATION_MATCH = 'translation';

/**
 * Adds the translation rows; returns how many speeches got one. A speech printed in the
 * other language (`lang`: nothing was translated into this one) adds no text, because the
 * first language's speech already holds that very text; its id still redirects.
 */
export function addTranslations(
  doc: ParsedDocument,
  tables: TranslationTables,
  issues: ParseIssue[],
): number {
  const { file } = doc;
  const language = file.language ?? '';
  const english = (gid: string): string | null => firstLanguageGid(file.type as FeedType, language, gid);
  const redirect = (gid: string): string | null => {
    const to = english(gid);
    if (to === null)
      issues.push({
        severity: 'warning',
        file: file.name,
        field: 'id',
        message: `${gid}: not an id of the ${language} file's form; no link to the speech it translates`,
      });
    else tables.gid_redirects.add([gid, to, TRANSLATION_MATCH, file.name]);
    return to;
  };
  for (const item of [...doc.headings, ...doc.divisions]) redirect(item.gid);
  let stored = 0;
  for (const s of doc.speeches) {
    const speechGid = redirect(s.gid);
    if (speechGid === null || (s.textLang !== null && s.textLang !== language)) continue;
    tables.speech_translations.add(translationRow(s, speechGid, language, file));
    stored++;
  }
  return stored;
}

function translationRow(
  s: ParsedSpeech,
  speechGid: string,
  language: string,
  file: ParsedDocument['file'],
): (string | number | boolean)[] {
  const html = s.paragraphs.map((p) => `<p>${p.html}</p>`).join('');
  const body = s.paragraphs.map((p) => p.text).join('\n');
  // `original_lang` names the language a translation was made from: without it, this is what was said.
  return [speechGid, language, s.gid, file.groupKey, file.date, s.seq, s.originalLang === null, html, body];
}
