/**
 * The context around a match (types.ts AlertContext) as HTML and as text, shared by
 * e-mails and the Atom feed. Built for a phone: the question (when the match answers one)
 * comes first in a quiet box, the neighbouring paragraphs are collapsed (<details>, which
 * clients without it show open but small and grey, still readable), and a tag alert says
 * in one line why the tag was given above its highlighted evidence.
 */
import { excerptHtml, MARK_END, MARK_START } from '../../search/highlight.js';
import { html, trusted, type SafeHtml } from '../../html/template.js';
import type { AlertContext, ContextSpeech, TagEvidence } from '../types.js';

const MARK_STYLE = '<mark style="background: #fff2a8; padding: 0 1px">';
const QUIET =
  'margin: 0.4em 0; padding: 0.4em 0.6em; background: #f4f4f1; border-radius: 4px; font-size: 0.92em; color: #333';
const SMALL = 'font-size: 0.85em; color: #666';

/** Escaped text with <mark> (inline-styled: mail clients drop style sheets). */
export function markedHtml(marked: string): SafeHtml {
  return trusted(excerptHtml(marked).replaceAll('<mark>', MARK_STYLE));
}

/** Matched words as *word* in plain text. */
export function markedText(marked: string): string {
  return marked.split(MARK_START).join('*').split(MARK_END).join('*');
}

const who = (s: ContextSpeech): string => (s.speaker ? `${s.speaker}: ` : '');

function questionLabel(ctx: AlertContext): string {
  return ctx.kind === 'written-answer' ? 'The question' : 'In reply to';
}

/** Above the excerpt: the question answered. */
export function contextLeadHtml(ctx: AlertContext | undefined): SafeHtml | '' {
  if (!ctx?.question) return '';
  return html`<div style="${QUIET}">
    <div style="${SMALL}">${questionLabel(ctx)}</div>
    ${ctx.question.speaker ? html`<strong>${ctx.question.speaker}</strong>: ` : ''}${ctx.question.text}
  </div>`;
}

function collapsed(label: string, s: ContextSpeech | null): SafeHtml | '' {
  if (!s) return '';
  return html`<details style="margin: 0.3em 0; ${SMALL}">
    <summary style="cursor: pointer">${label}</summary>
    <div style="padding: 0.2em 0 0.2em 0.8em; border-left: 2px solid #e2e2e2">
      ${s.speaker ? html`<strong>${s.speaker}</strong>: ` : ''}${s.text}
    </div>
  </details>`;
}

function evidenceHtml(e: TagEvidence): SafeHtml {
  return html`<div style="${QUIET}">
    <div>
      <strong>Tagged ${e.tag}</strong>
      <span style="${SMALL}">(${Math.round(e.confidence * 100)}% sure)</span> — ${e.why}
    </div>
    <div style="margin-top: 0.3em">${markedHtml(e.paragraph)}</div>
  </div>`;
}

/** Below the excerpt: the answer a written question got, the tag evidence, then before and after. */
export function contextTailHtml(ctx: AlertContext | undefined): SafeHtml | '' {
  if (!ctx) return '';
  return html`${
    ctx.answer
      ? html`<div style="${QUIET}">
          <div style="${SMALL}">The answer</div>
          ${ctx.answer.speaker ? html`<strong>${ctx.answer.speaker}</strong>: ` : ''}${ctx.answer.text}
        </div>`
      : ''
  }${ctx.tagEvidence.map(evidenceHtml)}${collapsed('Paragraph before', ctx.before)}${collapsed(
    'Paragraph after',
    ctx.after,
  )}`;
}

/** The same as lines of text (indented two spaces, as the excerpt is). */
export function contextLeadText(ctx: AlertContext | undefined): string[] {
  if (!ctx?.question) return [];
  return [`  ${questionLabel(ctx)}: ${who(ctx.question)}“${ctx.question.text}”`, ''];
}

export function contextTailText(ctx: AlertContext | undefined): string[] {
  if (!ctx) return [];
  const lines: string[] = [];
  if (ctx.answer) lines.push('', `  The answer: ${who(ctx.answer)}“${ctx.answer.text}”`);
  for (const e of ctx.tagEvidence)
    lines.push(
      '',
      `  Tagged ${e.tag} (${Math.round(e.confidence * 100)}% sure): ${e.why}`,
      `  “${markedText(e.paragraph)}”`,
    );
  if (ctx.before) lines.push('', `  Before: ${who(ctx.before)}${ctx.before.text}`);
  if (ctx.after) lines.push('', `  After: ${who(ctx.after)}${ctx.after.text}`);
  return lines;
}
