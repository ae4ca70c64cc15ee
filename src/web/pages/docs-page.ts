/** /api/docs: the OpenAPI document rendered as a readable page (no client-side viewer, no CDN). */
import { html, type SafeHtml } from '../../html/template.js';
import { layout } from './layout.js';

interface Operation {
  summary?: string;
  description?: string;
  parameters?: {
    name: string;
    in: string;
    description?: string;
    required?: boolean;
    schema?: Record<string, unknown>;
  }[];
  responses?: Record<string, { description?: string }>;
  tags?: string[];
}

function schemaText(schema: Record<string, unknown> | undefined): string {
  if (!schema) return '';
  const items = schema.items as Record<string, unknown> | undefined;
  const e = (schema.enum ?? items?.enum) as unknown[] | undefined;
  const anyOf = schema.anyOf as Record<string, unknown>[] | undefined;
  const type = anyOf
    ? anyOf.map((s) => schemaText(s)).join(' or ')
    : schema.type === 'array'
      ? `list of ${String(items?.type ?? 'string')}`
      : [schema.type ?? ''].flat().join(' or ');
  return [
    type,
    e ? `one of ${e.join(', ')}` : '',
    schema.default !== undefined ? `default ${String(schema.default)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function operation(method: string, path: string, op: Operation): SafeHtml {
  const id = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  return html`<section class="endpoint" aria-labelledby="${id}">
    <h3 id="${id}"><code>${method.toUpperCase()} ${path}</code></h3>
    <p>${op.summary ?? ''}${op.description ? html`. ${op.description}` : ''}</p>
    ${
      op.parameters?.length
        ? html`<div class="table-scroll">
            <table>
              <caption>
                Parameters
              </caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">In</th>
                  <th scope="col">Type</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                ${op.parameters.map(
                  (p) =>
                    html`<tr>
                      <th scope="row"><code>${p.name}</code>${p.required ? ' (required)' : ''}</th>
                      <td>${p.in}</td>
                      <td>${schemaText(p.schema)}</td>
                      <td>${p.description ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
        : ''
    }
    <p class="hint">
      Responses:
      ${Object.entries(op.responses ?? {}).map(([code, r], i) => html`${i ? '; ' : ''}<strong>${code}</strong> ${r.description ?? ''}`)}
    </p>
  </section>`;
}

/** Operations grouped by their tag, in the document's order of tags (the API first). */
function sections(doc: Record<string, unknown>) {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const tags = (doc.tags as { name: string; description?: string }[] | undefined) ?? [];
  const all = Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => [method, path, op] as const),
  );
  const names = [...tags.map((t) => t.name), 'Other'];
  return names
    .map((name) => ({
      name,
      description: tags.find((t) => t.name === name)?.description ?? '',
      ops: all.filter(
        ([, , op]) => (op.tags?.[0] && names.includes(op.tags[0]) ? op.tags[0] : 'Other') === name,
      ),
    }))
    .filter((s) => s.ops.length > 0);
}

export function renderDocs(doc: Record<string, unknown>): string {
  const body = html`<h1>API</h1>
    <p>
      A read-only JSON API over everything on this site, under <code>/api/v1</code>, and every other route of
      the server. Machine-readable description: <a href="/api/docs/openapi.json">OpenAPI 3.1 (JSON)</a>; to
      try requests in the browser, the <a href="/api/docs/ui">interactive version</a>. Invalid parameters get
      a 400 whose <code>issues</code> name each field; unknown parameters are refused rather than ignored.
    </p>
    ${sections(doc).map(
      ({ name, description, ops }) =>
        html`<h2>${name}</h2>
          <p>${description}</p>
          ${ops.map(([method, path, op]) => operation(method, path, op))}`,
    )}`;
  return layout({ title: 'API', current: 'api', body });
}
