import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { parseFeedFile } from '../../src/debate/parse.js';
import { ingestBytes } from '../../src/ingest/ingest-one.js';
import { SpeechRepository } from '../../src/speech/speech-repository.js';
import { encodeColumns } from '../../src/store/copy-text.js';
import { storePerTest, type StoreKind } from '../support/db.js';

const NAME = 'debates2031-02-03a.xml';
const gid = (n: number) => `uk.org.publicwhip/debate/2031-02-03a.1.${n}`;
// Text that HTML escaping changes (& < > "), text it leaves alone, real markup, and HTML that is not its escaped text.
const FILE = `<?xml version="1.0" encoding="UTF-8"?>
<publicwhip scrapeversion="a" latest="yes">
<major-heading id="${gid(0)}" nospeaker="true">Trusts &amp; "partners"</major-heading>
<speech id="${gid(1)}" speakername="A Member">
  <p pid="a/1">Profits &amp; losses: 3 &lt; 4 &gt; 2, and "value for money" \\ backslash.</p>
  <p pid="a/2">Plain words only, with a tab	inside.</p>
  <p pid="a/3">The <i>tender</i> &amp; its <b>terms</b>.</p>
  <p pid="a/4">A no-break\u00a0space, which the text collapses and the HTML keeps.</p>
</speech>
</publicwhip>
`;

describe.each<StoreKind>(['postgres', 'pglite'])('rows as COPY text on %s', (kind) => {
  const store = storePerTest(kind);

  it('round-trips tabs, newlines, carriage returns, backslashes, nulls, booleans and non-ASCII', async () => {
    const db = await store();
    await db.exec('CREATE TABLE copy_probe (s text, n int4, b bool, j jsonb)');
    const values = ['a\tb', 'line\nbreak\r\n', 'back\\slash \\N', '', 'naïve — £12 ✓', null];
    const data = [
      values,
      values.map((_, i) => i),
      values.map((_, i) => (i % 3 === 2 ? null : i % 2 === 0)),
      values.map((v) => (v === null ? null : JSON.stringify({ v }))),
    ];
    await db.transaction((tx) => tx.copyText('copy_probe', ['s', 'n', 'b', 'j'], encodeColumns(data)));
    const rows = await db.query<{ s: string | null; n: number; b: boolean | null; j: { v: string } | null }>(
      'SELECT s, n, b, j FROM copy_probe ORDER BY n',
    );
    expect(rows.map((r) => r.s)).toEqual(values);
    expect(rows.map((r) => r.b)).toEqual(data[2]);
    expect(rows.map((r) => r.j?.v ?? null)).toEqual(values);
  });

  it('stores markup-free HTML once and gives back exactly the parsed HTML', async () => {
    const db = await store();
    const bytes = new TextEncoder().encode(FILE);
    const res = await ingestBytes(db, { name: NAME, bytes }, null, pino({ level: 'silent' }));
    expect(res.status).toBe('current');

    const parsed = parseFeedFile(bytes, NAME).speeches[0]!.paragraphs;
    const stored = await db.query<{ seq: number; html: string | null }>(
      'SELECT seq, html FROM paragraphs WHERE speech_gid = $1 ORDER BY seq',
      [gid(1)],
    );
    // Only HTML that differs from the escaped text is stored.
    expect(stored.map((p) => p.html === null)).toEqual([true, true, false, false]);

    const speech = await new SpeechRepository(db).get(gid(1));
    expect(speech?.paragraphs.map((p) => p.html)).toEqual(parsed.map((p) => p.html));
    expect(speech?.paragraphs[0]?.html).toContain('&amp; losses: 3 &lt; 4 &gt; 2, and &quot;value');
    expect(speech?.paragraphs.map((p) => p.body)).toEqual(parsed.map((p) => p.text));
  });
});
