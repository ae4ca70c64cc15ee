/**
 * The import rules of issue #19, checked by `npm run lint:deps` and, through
 * tests/architecture/boundaries.test.ts, by `npm test` (what CI runs).
 *
 * Layers, bottom up: the domain and feature folders (debate, parliament, member, person,
 * speech, division, search, tag, export, ingest, alert, feed, store, html, events, …) know
 * nothing of how they are driven; the delivery folders (web, cli) and the composition root
 * (app) drive them; pipeline is the queue and its stages, which features must not import.
 */

/** Folders that must stay below delivery and wiring. A folder not (yet) present matches nothing. */
const FEATURES = [
  'alert',
  'debate',
  'division',
  'events',
  'export',
  'feed',
  'html',
  'input',
  'ingest',
  'member',
  'parliament',
  'person',
  'search',
  'speech',
  'store',
  'tag',
];
const FEATURE_PATH = `^src/(${FEATURES.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-file-cycles',
      severity: 'error',
      comment:
        'Files must not import each other in a circle (type-only imports included): a cycle makes load order matter and hides which module owns what.',
      from: { path: '^(src|workers|bench)/' },
      to: { circular: true },
    },
    {
      name: 'features-not-on-delivery',
      severity: 'error',
      comment:
        'Features and core modules must not know how they are delivered or wired: no imports of src/web, src/cli or the composition root src/app.',
      from: { path: FEATURE_PATH },
      to: { path: '^src/(web|cli|app)/' },
    },
    {
      name: 'features-not-on-pipeline',
      severity: 'error',
      comment:
        'Features must not import the pipeline: the pipeline publishes events and the composition root subscribes features to them.',
      from: { path: FEATURE_PATH },
      to: { path: '^src/pipeline/' },
    },
    {
      name: 'resolvable',
      severity: 'error',
      comment:
        'Every import must resolve: an import the cruiser cannot follow would drop out of the checks above unseen.',
      from: { path: '^(src|workers|bench)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // `import type` counts: a cycle or a layer breach through types is still one.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    includeOnly: '^(src|workers|bench)/',
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
