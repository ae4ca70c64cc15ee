/**
 * The alerts form. It posts to /api/v1/subscriptions; with JavaScript the answer is shown
 * in place (assets/app.js), without it the API sends this page back with the outcome.
 */
import type { FieldIssue } from '../../input/field-issues.js';
import type { WebContext } from '../api/context.js';
import { FREQUENCIES } from '../../alert/types.js';
import { errorSummary, speakerField, tagCheckboxes, valueOf, type FormValues } from './components.js';
import { html } from '../../html/template.js';
import { layout } from './layout.js';
import { personChoiceLabel, resolveSpeaker } from './speaker-choice.js';

export interface SubscribeOutcome {
  status: number;
  message: string | null;
  issues: FieldIssue[];
}

const FREQUENCY_LABELS: Record<(typeof FREQUENCIES)[number], string> = {
  immediate: 'As soon as it is published',
  daily: 'Once a day',
  weekly: 'Once a week',
};

function status(outcome: SubscribeOutcome | null) {
  if (!outcome || outcome.issues.length > 0) return html``;
  const kind = outcome.status === 202 ? 'success' : 'notice';
  return html`<div class="${kind}" role="status"><p>${outcome.message}</p></div>`;
}

function fieldError(outcome: SubscribeOutcome | null, field: string) {
  const issue = outcome?.issues.find((i) => i.field === field);
  return issue ? html`<p class="field-error" id="f-${field}-error">${issue.message}</p>` : html``;
}

/**
 * A link's `person=<id>` (MP, search and tag pages) shown as that person's name in the
 * form, which posts the name; an id nobody has is said beside the field, not dropped silently.
 */
async function withPersonNamed(
  ctx: WebContext,
  values: FormValues,
): Promise<{ shown: FormValues; linkIssues: FieldIssue[] }> {
  const { person, ...shown } = values;
  const id = typeof person === 'string' ? person.trim() : '';
  if (!id || valueOf(values, 'speaker')) return { shown, linkIssues: [] };
  const choice = await resolveSpeaker(ctx.people, { person: id });
  if (choice.kind === 'one')
    return { shown: { ...shown, speaker: personChoiceLabel(choice.person) }, linkIssues: [] };
  return {
    shown,
    linkIssues: [{ field: 'speaker', message: 'the link named a person who is not in the member data' }],
  };
}

export async function renderSubscribePage(
  ctx: WebContext,
  values: FormValues,
  outcome: SubscribeOutcome | null,
): Promise<string> {
  const catalogue = await ctx.tagCatalogue();
  const frequency = valueOf(values, 'frequency') || 'daily';
  const { shown, linkIssues } = await withPersonNamed(ctx, values);
  const issues = [...(outcome?.issues ?? []), ...linkIssues];
  const bad = (field: string) =>
    issues.some((i) => i.field === field)
      ? html` aria-invalid="true" aria-describedby="f-${field}-error"`
      : html``;
  const body = html`<h1>Email alerts</h1>
    <p>
      Get an email when Parliament mentions your words, a tag or a person. You will be asked to confirm your
      address.
    </p>
    <div id="subscribe-messages" aria-live="polite">${errorSummary(issues)} ${status(outcome)}</div>
    <form class="filters" id="subscribe-form" action="/api/v1/subscriptions" method="post" novalidate>
      <div class="field">
        <label for="f-email">Email address</label>
        ${fieldError(outcome, 'email')}
        <input
          type="email"
          id="f-email"
          name="email"
          value="${valueOf(values, 'email')}"
          autocomplete="email"
          maxlength="254"
          required${bad('email')}
        />
      </div>
      <div class="field">
        <label for="f-q">Words or phrase</label>
        <p class="hint" id="f-q-hint">Same syntax as search: "quotes" for a phrase, OR, -word.</p>
        ${fieldError(outcome, 'q')}
        <input
          type="text"
          id="f-q"
          name="q"
          value="${valueOf(values, 'q')}"
          maxlength="500"
          aria-describedby="f-q-hint"
          ${bad('q')}
        />
      </div>
      ${tagCheckboxes(values, catalogue, issues)} ${speakerField(shown, issues, 'Person (optional)')}
      <fieldset class="field" id="f-frequency">
        <legend>How often</legend>
        ${FREQUENCIES.map((f) => html`<label class="check"><input type="radio" name="frequency" value="${f}" ${f === frequency ? html` checked` : ''} /> ${FREQUENCY_LABELS[f]}</label>`)}
      </fieldset>
      <button type="submit">Subscribe</button>
    </form>
    <p><a href="/subscribe/manage">Manage your alerts</a></p>`;
  return layout({ title: 'Email alerts', current: 'subscribe', body });
}

/** Managing alerts happens through the link in each alert email, once the alerts service exists. */
export function renderManagePage(): string {
  const body = html`<h1>Manage your alerts</h1>
    <p>
      Every alert email carries a link to change or stop that alert. Email alerts are not running on this
      server yet.
    </p>
    <p><a href="/subscribe">Back to email alerts</a></p>`;
  return layout({ title: 'Manage alerts', current: 'subscribe', body });
}
