import { describe, expect, it } from 'vitest';
import { parseFeedFile } from '../../src/debate/parse.js';
import { fixtureBytes, parseBody, parseFixture, speechWith } from './helpers.js';

const D = 'uk.org.publicwhip/debate/2030-02-03b';

describe('a Commons debates file (ISO-8859-1, DOCTYPE entities)', () => {
  const doc = parseFixture('debates2030-02-03b.xml');

  it('reads the file name and root attributes', () => {
    expect(doc.file).toEqual({
      type: 'debates',
      name: 'debates2030-02-03b.xml',
      groupKey: 'debates2030-02-03',
      date: '2030-02-03',
      version: 'b',
    });
    expect(doc.latest).toBe(true);
    expect(doc.scrapeVersion).toBe('b');
    expect(doc.warnings).toEqual([]);
  });

  it('reads oral, major and minor headings with trimmed titles and parents', () => {
    expect(doc.headings.map((h) => [h.kind, h.title, h.seq, h.parentGid])).toEqual([
      ['oral', 'ORAL ANSWERS TO QUESTIONS', 0, null],
      ['major', 'COASTAL AFFAIRS', 1, null],
      ['minor', 'Lighthouse Keepers', 2, `${D}.1.1`],
      ['major', 'Harbour Dues Bill', 6, null],
    ]);
    expect(doc.headings[0]).toMatchObject({
      gid: `${D}.1.0`,
      colnum: '1',
      time: '14:30',
      url: 'https://hansard.example.org/cm300203/1.htm#h0',
    });
  });

  it('numbers headings, speeches and divisions in one document order', () => {
    const seqs = [...doc.headings, ...doc.speeches, ...doc.divisions].map((x) => x.seq).sort((a, b) => a - b);
    expect(seqs).toEqual([...seqs.keys()]);
    expect(doc.divisions[0]?.seq).toBe(8);
  });

  it('reads speech attributes, with `unknown` speakers as null', () => {
    const [question, answer, members] = doc.speeches;
    expect(question).toMatchObject({
      gid: `${D}.1.3`,
      kind: 'speech',
      speakerId: 'uk.org.publicwhip/member/99001',
      personId: null,
      speakerName: 'Ada Quill',
      nospeaker: false,
      time: '14:31',
      colnum: '1',
      url: 'https://hansard.example.org/cm300203/1.htm#s3',
      oldstyleId: null,
    });
    expect(answer?.speakerName).toBe('Basil Marsh');
    expect(members).toMatchObject({ speakerId: null, speakerName: 'Hon. Members' });
    expect(doc.speeches[3]).toMatchObject({ nospeaker: true, speakerId: null, speakerName: null });
  });

  it('gives each speech the headings in force', () => {
    const place = doc.speeches.map((s) => [s.majorHeadingGid, s.minorHeadingGid]);
    expect(place).toEqual([
      [`${D}.1.1`, `${D}.1.2`],
      [`${D}.1.1`, `${D}.1.2`],
      [`${D}.1.1`, `${D}.1.2`],
      [`${D}.2.0`, null],
      [`${D}.2.0`, null],
    ]);
    expect(doc.divisions[0]).toMatchObject({ majorHeadingGid: `${D}.2.0`, minorHeadingGid: null });
  });

  it('decodes raw Latin-1 bytes and declared entities', () => {
    expect(doc.speeches[0]?.paragraphs[0]?.text).toBe(
      'What plans the Minister has to staff the lighthouse at Caf\u00e9 Point.',
    );
    const p = doc.speeches[1]?.paragraphs[0];
    expect(p?.text).toBe(
      'The keepers\u2019 contract costs \u00a340,000 a year\u2014as the hon. Member for Gullcliffe (Ada Quill) knows.',
    );
    // A no-break space counts as whitespace for text (as in Python) but stays in the HTML.
    expect(p?.html).toContain('\u00a340,000\u00a0a year');
  });

  it('keeps paragraph pid, class and inline HTML', () => {
    const p = doc.speeches[1]?.paragraphs[1];
    expect(p).toEqual({
      seq: 1,
      pid: 'b.1.4/2',
      cls: 'indent',
      html: 'See <a href="https://coasts.example.org/report">the <i>annual</i> report</a><sup>1</sup>.',
      text: 'See the annual report1.',
    });
  });

  it('keeps a table directly inside a speech as its own paragraph', () => {
    const table = doc.speeches[1]?.paragraphs[2];
    expect(table).toMatchObject({
      seq: 2,
      pid: null,
      cls: null,
      text: '\u00a3000 2028-29 1,234 Source: Coastal Office',
    });
    expect(table?.html).toMatch(/^<table> <tbody> <tr> <td><\/td> <td><i> \u00a3000<\/i><\/td> <\/tr>/);
    expect(table?.html).toContain('<td>2028-29</td> <td>1,234</td>');
    expect(table?.html).toContain('<td colspan="2">Source: Coastal Office</td>');
    expect(table?.html).not.toContain('pid');
  });

  it('reads a division with counts and votes, tellers marked', () => {
    expect(doc.divisions).toHaveLength(1);
    const division = doc.divisions[0];
    expect(division).toMatchObject({
      gid: `${D}.2.2`,
      date: '2030-02-03',
      number: '17',
      colnum: '2',
      time: '15:10',
      url: 'https://hansard.example.org/cm300203/2.htm#d17',
      counts: { ayes: 2, noes: 1, tellerayes: 1, tellernoes: 1 },
    });
    expect(division?.votes).toEqual([
      { memberId: 'uk.org.publicwhip/member/99001', personId: null, name: 'Quill, Ada', vote: 'aye' },
      { memberId: 'uk.org.publicwhip/member/99003', personId: null, name: 'Tern, Mr. Cyril', vote: 'aye' },
      { memberId: 'uk.org.publicwhip/member/99004', personId: null, name: 'Dora Puffin', vote: 'tellaye' },
      { memberId: 'uk.org.publicwhip/member/99002', personId: null, name: 'Marsh, Basil', vote: 'no' },
      { memberId: 'uk.org.publicwhip/member/99005', personId: null, name: 'Eric Skua', vote: 'tellno' },
    ]);
  });

  it('returns plain data that survives structured cloning', () => {
    expect(structuredClone(doc)).toEqual(doc);
  });

  it('accepts a path or a Uint8Array view and an explicit type', () => {
    const bytes = fixtureBytes('debates2030-02-03b.xml');
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const again = parseFeedFile(view, 'scrapedxml/debates/debates2030-02-03b.xml', 'debates');
    expect(again.speeches).toEqual(doc.speeches);
    expect(again.file.name).toBe('debates2030-02-03b.xml');
  });
});

describe('an older version (latest="no")', () => {
  const doc = parseFixture('debates2030-02-03a.xml');

  it('collects every gidredirect in order, alongside the content', () => {
    expect(doc.latest).toBe(false);
    expect(doc.redirects).toEqual([
      { oldGid: 'uk.org.publicwhip/debate/2030-02-03a.1.0', newGid: `${D}.1.0`, matchType: 'perfectmatch' },
      { oldGid: 'uk.org.publicwhip/debate/2030-02-03a.1.1', newGid: `${D}.1.1`, matchType: 'changes' },
      { oldGid: 'uk.org.publicwhip/debate/2030-02-03a.1.3', newGid: `${D}.1.3`, matchType: 'changes' },
    ]);
    expect(doc.speeches.map((s) => [s.gid, s.seq])).toEqual([
      ['uk.org.publicwhip/debate/2030-02-03a.1.3', 0],
    ]);
  });
});

describe('the modern form (person_id, ~2014 on)', () => {
  const doc = parseFixture('debates2016-03-01a.xml');

  it('reads person_id on speeches, with no speakerid', () => {
    expect(doc.speeches.map((s) => [s.speakerId, s.personId, s.speakerName])).toEqual([
      [null, 'uk.org.publicwhip/person/99501', 'Gwen Lock'],
      [null, 'uk.org.publicwhip/person/99502', 'Hari Weir'],
    ]);
    expect(doc.speeches[0]?.url).toBeNull(); // url="" means none
    expect(doc.speeches[0]?.paragraphs[0]?.text).toBe(
      'Will the Minister say how many narrowboats use the \u00d8resund-style locks? \u201cFew,\u201d I suspect.',
    );
    expect(doc.warnings).toEqual([]);
  });

  it('reads person_id in division lists', () => {
    expect(doc.divisions[0]?.votes).toEqual([
      { memberId: null, personId: 'uk.org.publicwhip/person/99501', name: 'Gwen Lock', vote: 'aye' },
      { memberId: null, personId: 'uk.org.publicwhip/person/99503', name: 'Ivo Sluice', vote: 'tellaye' },
      { memberId: null, personId: 'uk.org.publicwhip/person/99502', name: 'Hari Weir', vote: 'no' },
    ]);
  });
});

describe('a standing committee file', () => {
  const doc = parseFixture('standing2029-11-01_WIDGETS_02-0_2030-01-14a.xml');

  it('takes the sitting date from the end of the name', () => {
    expect(doc.file).toMatchObject({ type: 'standing', date: '2030-01-14', version: 'a' });
    expect(doc.latest).toBeNull();
    expect(doc.scrapeVersion).toBeNull();
  });

  it('skips bill and committee metadata without warnings', () => {
    expect(doc.warnings).toEqual([]);
    expect(doc.headings.map((h) => h.title)).toEqual(['Widgets Bill', 'Clause 1']);
  });

  it('reads cp1252-style references as browsers do (HTML5), not as C1 controls', () => {
    const [first, second] = doc.speeches[0]?.paragraphs ?? [];
    expect(first?.text).toBe('The widget register isn\u2019t ready\u2014not even close.');
    expect(first?.pid).toBeNull();
    expect(second).toMatchObject({
      cls: 'italic',
      text: 'Amendment proposed: 4, in clause 1, page 1, line 3, leave out \u2018blue\u2019. [Gil Heron.]',
    });
    expect(second?.html).not.toContain('<span');
  });

  it('reads a top-level divisioncount as a division', () => {
    expect(doc.divisions).toEqual([
      {
        gid: 'uk.org.publicwhip/standing/standing2029-11-01_WIDGETS_02-0_2030-01-14a.1.3',
        seq: 3,
        date: null,
        number: '2',
        colnum: null,
        time: null,
        url: 'https://bills.example.org/w/1.htm#d2',
        majorHeadingGid: 'uk.org.publicwhip/standing/standing2029-11-01_WIDGETS_02-0_2030-01-14a.1.0',
        minorHeadingGid: 'uk.org.publicwhip/standing/standing2029-11-01_WIDGETS_02-0_2030-01-14a.1.1',
        counts: { ayes: 1, noes: 2 },
        votes: [
          { memberId: 'uk.org.publicwhip/member/99102', personId: null, name: 'Heron, Gil', vote: 'aye' },
          { memberId: 'uk.org.publicwhip/member/99103', personId: null, name: 'Auk, Jo', vote: 'no' },
          { memberId: 'uk.org.publicwhip/member/99104', personId: null, name: 'Wren, Kit', vote: 'no' },
        ],
      },
    ]);
  });
});

describe('Scottish Parliament files', () => {
  it('reads sp: place-holders ignored, msplist votes, em/strong/br/citation', () => {
    const doc = parseFixture('sp2030-01-15.xml');
    expect(doc.warnings).toEqual([]);
    expect(doc.file).toMatchObject({ type: 'sp', version: '' });
    expect(doc.speeches[0]?.paragraphs.map((p) => p.html)).toEqual([
      '<strong>Scottish Parliament</strong>',
      '<em>Wednesday 15 January 2030</em>',
    ]);
    expect(doc.speeches[1]?.paragraphs[0]).toMatchObject({
      pid: null,
      html: 'I move motion S9M-00001, in my name.<br>Ferries cost \u00a33m<sup>1</sup> \u2013 too much.',
      text: 'I move motion S9M-00001, in my name.Ferries cost \u00a33m1 \u2013 too much.',
    });
    expect(doc.divisions[0]?.counts).toEqual({ for: 1, against: 1, abstentions: 1, spoiledvotes: 0 });
    expect(doc.divisions[0]?.votes.map((v) => v.vote)).toEqual(['for', 'against', 'abstentions']);
  });

  it('reads sp-written: ques/reply, a table inside <p> (with a <p> in a cell) as one paragraph', () => {
    const doc = parseFixture('spwa2030-01-16.xml');
    expect(doc.warnings).toEqual([]);
    expect(doc.speeches.map((s) => [s.kind, s.speakerName, s.minorHeadingGid])).toEqual([
      ['ques', 'Neil Pollock', 'uk.org.publicwhip/spwa/2030-01-16.S9W-00002.h'],
      ['reply', 'Pat Salmon', 'uk.org.publicwhip/spwa/2030-01-16.S9W-00002.h'],
    ]);
    const reply = doc.speeches[1]?.paragraphs ?? [];
    expect(reply).toHaveLength(3);
    // Relative links cannot be made safe without a base: the link goes, its text stays.
    expect(reply[0]?.html).toBe('The figures are in the table (see notes).');
    expect(reply[1]?.text).toBe('Inspected 42');
    expect(reply[1]?.html).toBe(
      '<table> <tr> <td rowspan="2"> </td> <td>Inspected</td> </tr> <tr> <td>42</td> </tr> </table>',
    );
    expect(reply[2]).toMatchObject({ html: 'Source: Bridge Survey', text: 'Source: Bridge Survey' });
  });
});

describe('speech content outside <p>', () => {
  it('keeps loose text and inline elements as a paragraph, with a warning', () => {
    const doc = parseBody(speechWith('Loose <i>words</i> here.<p pid="a/1">A paragraph.</p> Trailing text.'));
    expect(doc.speeches[0]?.paragraphs.map((p) => [p.seq, p.pid, p.html, p.text])).toEqual([
      [0, null, 'Loose <i>words</i> here.', 'Loose words here.'],
      [1, 'a/1', 'A paragraph.', 'A paragraph.'],
      [2, null, 'Trailing text.', 'Trailing text.'],
    ]);
    expect(doc.warnings).toHaveLength(1);
    expect(doc.warnings[0]?.message).toMatch(/outside <p>/);
  });

  it('keeps an empty <p> (paragraph counts follow the feed)', () => {
    const doc = parseBody(speechWith('<p pid="a/1"> </p><p pid="a/2"/>'));
    expect(doc.speeches[0]?.paragraphs.map((p) => [p.pid, p.text])).toEqual([
      ['a/1', ''],
      ['a/2', ''],
    ]);
  });
});

describe('ques and reply', () => {
  it('reads written-answer items with oldstyleid', () => {
    const doc = parseBody(
      `<minor-heading id="h1" oldstyleid="o1">Ferries</minor-heading>
       <ques id="q1" oldstyleid="uk.org.publicwhip/wrans/2030-01-01a.1W.2" speakerid="uk.org.publicwhip/member/5" speakername="A B"><p pid="a.1W.2/1" qnum="9">To ask?</p></ques>
       <reply id="r1" speakerid="uk.org.publicwhip/member/6" speakername="C D"><p pid="a.1W.3/1">Yes.</p></reply>`,
      {},
      'answers2030-01-01a.xml',
    );
    expect(
      doc.speeches.map((s) => [s.kind, s.gid, s.oldstyleId, s.minorHeadingGid, s.majorHeadingGid]),
    ).toEqual([
      ['ques', 'q1', 'uk.org.publicwhip/wrans/2030-01-01a.1W.2', 'h1', null],
      ['reply', 'r1', null, 'h1', null],
    ]);
    expect(doc.headings[0]?.parentGid).toBeNull();
  });
});
