import { Writable } from 'node:stream';
import { buildExportRow, type ExportRow } from '../../src/export/index.js';

/** Rows that exercise quoting, non-ASCII, nulls, speech-mode newlines and formula-like text. */
export function sampleRows(): ExportRow[] {
  return [
    buildExportRow({
      gid: 'uk.org.publicwhip/debate/2009-10-26b.12.3',
      paragraph_seq: 0,
      pid: 'b.12.3/1',
      sitting_date: '2009-10-26',
      time: '14:31',
      house: 'house-of-commons',
      type: 'debates',
      major_heading: 'Oral Answers to Questions',
      minor_heading: 'Health, "Independent" Sector Treatment Centres',
      speaker_name: 'Ann Example',
      speaker_label: 'Ann Example (Labour, Wexbury, North)',
      person_id: 'uk.org.publicwhip/person/10001',
      party: 'Labour',
      constituency: 'Wexbury, North',
      text: 'The contract for Ysbyty Gwynedd — £12m, signed "in good faith" — was handed to a private provider.',
      tags: [
        {
          tag: 'outsourcing',
          confidence: 0.93,
          method: 'combined',
          source: 'classifier',
          evidence_terms: ['private provider', 'contract'],
        },
        {
          tag: 'privatisation',
          confidence: 0.7149,
          method: 'classifier',
          source: 'classifier',
          evidence_terms: [],
        },
      ],
      hansard_url:
        'http://www.publications.parliament.uk/pa/cm200809/cmhansrd/cm091026/debtext/91026-0002.htm#a',
      colnum: '12',
      volume: 498,
    }),
    buildExportRow({
      gid: 'uk.org.publicwhip/westminhall/2009-10-27a.45.2',
      paragraph_seq: null,
      pid: null,
      sitting_date: '2009-10-27',
      time: null,
      house: null,
      type: 'westminhall',
      major_heading: null,
      minor_heading: 'NHS (Private Finance)',
      speaker_name: null,
      speaker_label: null,
      person_id: null,
      party: null,
      constituency: null,
      text: 'First paragraph, with a comma.\n\nSecond paragraph\r\nwith CRLF inside.\n\n=SUM(A1:A9) is not a formula here',
      tags: [
        {
          tag: 'stp',
          confidence: 0.5,
          method: 'keyword',
          source: 'rule',
          evidence_terms: ['sustainability and transformation'],
        },
      ],
      hansard_url: null,
      colnum: '45',
    }),
    buildExportRow({
      gid: 'uk.org.publicwhip/wrans/2009-10-29a.293981.r0',
      paragraph_seq: 2,
      pid: 'a.483W.1/3',
      sitting_date: '2009-10-29',
      time: '09:30',
      house: 'house-of-commons',
      type: 'wrans',
      major_heading: 'Health',
      minor_heading: 'Accountable Care Organisations',
      speaker_name: 'Dr Zoë Ó Briain',
      speaker_label: 'Zoë Ó Briain (Liberal Democrat, Ynys Môn)',
      person_id: 'uk.org.publicwhip/person/10002',
      party: 'Liberal Democrat',
      constituency: 'Ynys Môn',
      text: '-£3m was saved; +4% growth; @mention; \ttabbed',
      tags: [],
      hansard_url:
        'http://www.publications.parliament.uk/pa/cm200809/cmhansrd/cm091029/text/91029w0001.htm#x',
      colnum: '483W',
    }),
  ];
}

const WORDS = (
  'the trust said the contract for community health services would be put out to tender and that ' +
  'a private provider had bid for the work while staff and patients were not consulted on the plan'
).split(' ');

const TYPES = ['debates', 'westminhall', 'lordspages', 'wrans', 'wms', 'sp', 'ni'] as const;
const SEGMENT: Record<(typeof TYPES)[number], string> = {
  debates: 'debate',
  westminhall: 'westminhall',
  lordspages: 'lords',
  wrans: 'wrans',
  wms: 'wms',
  sp: 'spor',
  ni: 'ni',
};

/** A deterministic, varied row for index i (about 700 bytes of text, like a real paragraph). */
export function generatedRow(i: number): ExportRow {
  const type = TYPES[i % TYPES.length] ?? 'debates';
  const day = String(1 + (i % 28)).padStart(2, '0');
  const date = `2009-${i % 2 === 0 ? '10' : '11'}-${day}`;
  const words: string[] = [];
  for (let w = 0; w < 110; w++) words.push(WORDS[(i * 7 + w * 13) % WORDS.length] ?? 'nhs');
  return buildExportRow({
    gid: `uk.org.publicwhip/${SEGMENT[type]}/${date}a.${100 + (i % 900)}.${i}`,
    paragraph_seq: i % 5,
    pid: `a.${i}/${i % 5}`,
    sitting_date: date,
    time: `${String(9 + (i % 14)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
    house: type === 'lordspages' ? 'house-of-lords' : 'house-of-commons',
    type,
    major_heading: `Heading ${i % 97}`,
    minor_heading: i % 3 === 0 ? null : `Minor heading ${i % 89}, "quoted"`,
    speaker_name: `Member ${i % 650}`,
    speaker_label: `Member ${i % 650} (${i % 2 === 0 ? 'Labour' : 'Conservative'}, Seat ${i % 650})`,
    person_id: `uk.org.publicwhip/person/${10000 + (i % 650)}`,
    party: i % 2 === 0 ? 'Labour' : 'Conservative',
    constituency: `Seat ${i % 650}`,
    text: `${i}: ${words.join(' ')} — £${i % 100}m`,
    tags: [
      {
        tag: 'outsourcing',
        confidence: 0.5 + (i % 50) / 100,
        method: 'combined',
        source: 'classifier',
        evidence_terms: ['tender', 'private provider'],
      },
      ...(i % 4 === 0
        ? [
            {
              tag: 'privatisation',
              confidence: 0.61,
              method: 'keyword',
              source: 'rule',
              evidence_terms: ['private'],
            },
          ]
        : []),
    ],
    hansard_url: `https://hansard.example/${date}/${i}`,
    colnum: String(100 + (i % 900)),
    volume: i % 3 === 0 ? 498 : null,
  });
}

/** Generated lazily, like a database cursor: nothing is held beyond the current row. */
export async function* generatedRows(count: number): AsyncGenerator<ExportRow> {
  for (let i = 0; i < count; i++) yield generatedRow(i);
}

/** A Writable that keeps everything written to it. */
export function collector(): { out: Writable; bytes: () => Buffer; text: () => string } {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  const bytes = (): Buffer => Buffer.concat(chunks);
  return { out, bytes, text: () => bytes().toString('utf8') };
}

/** A Writable that only counts, for the memory and throughput tests. */
export function counter(): { out: Writable; bytes: () => number } {
  let total = 0;
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      callback();
    },
  });
  return { out, bytes: () => total };
}
