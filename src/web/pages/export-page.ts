/**
 * The export form. It submits straight to GET /api/v1/export, so the download is the
 * API's response and the URL it leaves in the address bar is a reproducible recipe.
 */
import { EXPORT_COLUMNS } from '../../export/index.js';
import type { FieldIssue } from '../../input/field-issues.js';
import type { TagInfo } from '../api/context.js';
import { errorSummary, filterFields, valueOf, type FormValues } from './components.js';
import { html } from '../../html/template.js';
import { layout } from './layout.js';

const FORMATS = [
  { value: 'csv', label: 'CSV', hint: 'spreadsheets, R, pandas' },
  { value: 'jsonl', label: 'JSON Lines', hint: 'one JSON object per line' },
  { value: 'parquet', label: 'Parquet', hint: 'columnar, for large analyses' },
];

export function renderExport(
  values: FormValues,
  catalogue: readonly TagInfo[],
  issues: FieldIssue[] = [],
): string {
  const format = valueOf(values, 'format') || 'csv';
  const per = valueOf(values, 'per') || 'paragraph';
  const body = html`<h1>Export for research</h1>
    <p>
      Download speeches with their citations: one row per paragraph (only tagged paragraphs when you choose
      tags) or per speech. Columns: ${EXPORT_COLUMNS.join(', ')}.
    </p>
    ${errorSummary(issues)}
    <form class="filters" action="/api/v1/export" method="get" novalidate>
      <fieldset class="field" id="f-format">
        <legend>Format</legend>
        ${FORMATS.map((f) => html`<label class="check"><input type="radio" name="format" value="${f.value}" ${f.value === format ? html` checked` : ''} /> ${f.label} <span class="hint">(${f.hint})</span></label>`)}
      </fieldset>
      <fieldset class="field" id="f-per">
        <legend>One row per</legend>
        <label class="check"
          ><input type="radio" name="per" value="paragraph" ${per === 'paragraph' ? html` checked` : ''} />
          Paragraph</label
        >
        <label class="check"
          ><input type="radio" name="per" value="speech" ${per === 'speech' ? html` checked` : ''} />
          Speech</label
        >
        <label class="check"
          ><input type="radio" name="per" value="vote" ${per === 'vote' ? html` checked` : ''} /> Vote in a
          division
          <span class="hint">(person, party, house, type and dates apply; words and tags do not)</span></label
        >
      </fieldset>
      <div class="field">
        <label class="check"
          ><input
            type="checkbox"
            name="excel"
            value="true"
            ${valueOf(values, 'excel') ? html` checked` : ''}
          />
          Make the CSV safe to open in Excel</label
        >
        <p class="hint">Adds a byte order mark and puts ' before cells that start with = + - or @.</p>
      </div>
      ${filterFields(values, catalogue, issues)}
      <button type="submit">Download</button>
    </form>`;
  return layout({ title: 'Export', current: 'export', body });
}
