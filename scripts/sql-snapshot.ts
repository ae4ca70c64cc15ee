/**
 * Writes every SQL statement the source issues to src/queries/*.sql, one file per module,
 * so that a change to SQL shows in review as a change to these files. Run with
 * `npm run sql:snapshot`; tests/architecture/sql-snapshot.test.ts fails when the checked-in
 * files differ from what this produces.
 *
 * The SQL is read from the source with the TypeScript compiler, not captured by running it:
 * no database is needed, and code paths no test reaches are covered too. What counts as SQL
 * is any string or template literal in src/ that starts with a statement keyword (a
 * statement) or, not starting with one, contains an SQL clause keyword (a fragment, such
 * as the WHERE conditions search/sql.ts builds). Interpolations appear as `${…}` with their
 * source text. SQL assembled at run time from pieces is shown piece by piece, as written;
 * the final text of such a statement is not known until it runs. Migrations are .sql files
 * already and are not repeated here.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const QUERIES_DIR = 'src/queries';

const STATEMENT =
  /^\s*\(?\s*(SELECT|WITH|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|TRUNCATE|COPY\s+\S+\s*(?:\(|FROM|TO)|SAVEPOINT|ROLLBACK|RELEASE|BEGIN|COMMIT|SET|RESET|SHOW|LOCK|ANALYZE|VACUUM|REINDEX|EXPLAIN|DECLARE|FETCH|CLOSE|MOVE|LISTEN|NOTIFY|UNLISTEN|REFRESH|CLUSTER|DO|PREPARE|EXECUTE|DEALLOCATE|DISCARD)\b/;
const CLAUSE =
  /\b(SELECT|FROM|WHERE|JOIN|EXISTS|ORDER BY|GROUP BY|VALUES|RETURNING|ON CONFLICT|LIMIT|INSERT INTO|DELETE FROM|UPDATE|SET)\b/;

export interface Statement {
  /** Class and method, or function, or constant; `#n` from the second in one place. */
  name: string;
  kind: 'statement' | 'fragment';
  sql: string;
}

/** The .ts modules under src/, found afresh each run so moved and new files are covered. */
export function sourceFiles(root: string): string[] {
  return readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.posix.join('src', f.split(path.sep).join('/')))
    .sort();
}

function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) text += `\${${span.expression.getText()}}${span.literal.text}`;
    return text;
  }
  return null;
}

/** Lines after the first lose their common indent (templates are indented with the code). */
function dedent(text: string): string {
  const lines = text.trim().split('\n');
  const rest = lines.slice(1).filter((l) => l.trim() !== '');
  const indent = Math.min(...rest.map((l) => l.length - l.trimStart().length));
  return [lines[0]!, ...lines.slice(1).map((l) => l.slice(Number.isFinite(indent) ? indent : 0).trimEnd())]
    .join('\n')
    .trim();
}

function declarationName(node: ts.Node): string | null {
  if (ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node)) return node.name?.text ?? null;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  if (
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isPropertyDeclaration(node)
  )
    return node.name.getText();
  if (
    ts.isPropertyAssignment(node) &&
    (ts.isFunctionLike(node.initializer) || ts.isObjectLiteralExpression(node.initializer))
  )
    return node.name.getText();
  // Module-level constants (SQL kept in a constant, functions as arrows), not a function's locals.
  if (ts.isVariableDeclaration(node) && ts.isSourceFile(node.parent.parent.parent))
    return node.name.getText();
  return null;
}

function nameAt(node: ts.Node): string {
  const names: string[] = [];
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    const name = declarationName(n);
    if (name) names.unshift(name);
  }
  return names.join('.') || '(module)';
}

/** The SQL literals of one module, in source order. */
export function statementsOf(file: string, text: string): Statement[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Statement[] = [];
  const seen = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    const sql = literalText(node);
    if (sql !== null) {
      const kind = STATEMENT.test(sql) ? 'statement' : CLAUSE.test(sql) ? 'fragment' : null;
      if (kind && !ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent)) {
        const base = nameAt(node);
        const n = (seen.get(base) ?? 0) + 1;
        seen.set(base, n);
        found.push({ name: n === 1 ? base : `${base}#${n}`, kind, sql: dedent(sql) });
        // An SQL template's interpolations are shown within it, not again on their own.
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function render(file: string, statements: Statement[]): string {
  const head = [
    `-- Generated by \`npm run sql:snapshot\` from ${file}. Do not edit: change the source and run it again.`,
    '-- Interpolations are shown as ${…}; fragments are pieces a statement is assembled from at run time.',
  ];
  const body = statements.map((s) => `-- ${s.kind === 'fragment' ? 'fragment ' : ''}${s.name}\n${s.sql}\n`);
  return `${head.join('\n')}\n\n${body.join('\n')}`;
}

/** The snapshot files (name → content) for the tree at `root`. */
export function sqlSnapshots(root: string): Map<string, string> {
  const modules = sourceFiles(root)
    .filter((f) => !f.startsWith(`${QUERIES_DIR}/`))
    .map((f) => ({ file: f, statements: statementsOf(f, readFileSync(path.join(root, f), 'utf8')) }))
    .filter((m) => m.statements.length > 0);
  // One file per module under its own name; where two modules share a name, their folders tell them apart.
  const count = new Map<string, number>();
  for (const m of modules)
    count.set(path.basename(m.file, '.ts'), (count.get(path.basename(m.file, '.ts')) ?? 0) + 1);
  const out = new Map<string, string>();
  for (const m of modules) {
    const base = path.basename(m.file, '.ts');
    const name =
      count.get(base) === 1 ? base : m.file.slice('src/'.length, -'.ts'.length).split('/').join('.');
    out.set(`${name}.sql`, render(m.file, m.statements));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The snapshot files as checked in. */
export function storedSnapshots(root: string): Map<string, string> {
  const dir = path.join(root, QUERIES_DIR);
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  } catch {
    return new Map();
  }
  return new Map(names.sort().map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}

function main(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const dir = path.join(root, QUERIES_DIR);
  const fresh = sqlSnapshots(root);
  mkdirSync(dir, { recursive: true });
  for (const name of storedSnapshots(root).keys()) if (!fresh.has(name)) rmSync(path.join(dir, name));
  for (const [name, text] of fresh) writeFileSync(path.join(dir, name), text);
  const statements = [...fresh.values()].reduce(
    (n, t) => n + (t.match(/^-- (?!Generated|Interpolations)/gm)?.length ?? 0),
    0,
  );
  process.stdout.write(`${fresh.size} files, ${statements} statements and fragments in ${QUERIES_DIR}/\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
