/**
 * The webhook body (webhook-payload.ts) as a zod schema, with an example: the API
 * document's `webhooks` section is made from it (src/web/api/openapi.ts), and
 * tests/alert/context-rollup.test.ts parses real deliveries with it, strictly, so the
 * document cannot drift from what receivers get.
 */
import { z } from 'zod';
import { FEED_TYPES } from '../../parliament/index.js';

const speechRef = z
  .object({
    gid: z
      .string()
      .nullable()
      .describe('The quoted speech; null for a paragraph of the matched speech itself.'),
    speaker: z.string().nullable(),
    text: z.string().describe('Plain text, cut at a word near 420 characters.'),
  })
  .strict();

const tagEvidence = z
  .object({
    tag: z.string(),
    confidence: z.number().describe('0–1, the paragraph’s confidence for the tag.'),
    method: z.string().describe('keyword, classifier, combined or editor.'),
    paragraphSeq: z.number().int(),
    paragraph: z
      .string()
      .describe('The paragraph the tag was given on (cut round its evidence when long), plain.'),
    paragraphHtml: z.string().describe('The same, HTML-escaped, evidence words in <mark>.'),
    rules: z.array(z.string()).describe('Words the taxonomy’s patterns matched.'),
    classifierTerms: z.array(z.string()).describe('Words that pushed the classifier’s score up.'),
    why: z.string().describe('One sentence: why the tag was given.'),
  })
  .strict();

export const webhookContextSchema = z
  .object({
    kind: z.enum(['speech', 'oral-answer', 'written-answer', 'written-question']),
    before: speechRef
      .nullable()
      .describe('The paragraph before the match (else the previous speech’s last).'),
    after: speechRef.nullable().describe('The paragraph after the match (else the next speech’s first).'),
    question: speechRef.nullable().describe('What a written answer, or an answer in question time, answers.'),
    answer: speechRef.nullable().describe('The answer a written question got.'),
    tagEvidence: z.array(tagEvidence).describe('For each tag the subscription asked for.'),
  })
  .strict();

const division = z
  .object({
    key: z.string().describe('Stable across versions of the day: type, date and number.'),
    title: z.string(),
    number: z.string().nullable(),
    vote: z.string().describe('aye, no, tellaye, tellno, content, not-content, … as recorded.'),
    voter: z.string(),
    counts: z.record(z.string(), z.number()),
    result: z.string().nullable().describe('The larger side (ayes, noes, …), tie, or null.'),
    tags: z.array(z.string()).describe('The debate’s tags, strongest first.'),
  })
  .strict();

export const webhookSpeechSchema = z
  .object({
    gid: z.string(),
    sittingDate: z.string(),
    type: z.string(),
    house: z.string().nullable(),
    speakerName: z.string().nullable(),
    personName: z.string().nullable().optional(),
    party: z.string().nullable(),
    constituency: z.string().nullable(),
    time: z.string().nullable(),
    colnum: z.string().nullable(),
    majorHeading: z.string().nullable(),
    minorHeading: z.string().nullable(),
    debateGid: z.string().nullable(),
    twfyUrl: z.string().nullable(),
    hansardUrl: z.string().nullable(),
    paragraphSeq: z.number().int().nullable(),
    reason: z
      .object({
        query: z.string().nullable(),
        tags: z.array(z.object({ tag: z.string(), confidence: z.number() }).strict()),
        person: z.string().nullable(),
      })
      .strict(),
    siteUrl: z.string().nullable().describe('This site’s page for the speech; null for a division.'),
    context: webhookContextSchema.nullable().describe('Null in matches logged before context was kept.'),
    division: division.optional().describe('Present when the entry is a vote of a followed MP.'),
    speakerLabel: z.string(),
    excerpt: z.string().describe('Plain text.'),
    excerptHtml: z.string().describe('HTML-escaped, matched words in <mark>.'),
  })
  .strict();

export const webhookPayloadSchema = z
  .object({
    event: z.enum(['alert', 'digest']),
    deliveryId: z.string().describe('The same on every retry of this message.'),
    subscription: z.object({ id: z.string(), description: z.string(), frequency: z.string() }).strict(),
    sentAt: z.string(),
    speeches: z.array(webhookSpeechSchema),
  })
  .strict();

/** The Commons debates feed, named by the registry (feed types are spelled out in one place). */
const EXAMPLE_TYPE: string = FEED_TYPES[0];

export const WEBHOOK_EXAMPLE: z.input<typeof webhookPayloadSchema> = {
  event: 'alert',
  deliveryId: '4711',
  subscription: { id: 'al_3kq9', description: 'tag outsourcing', frequency: 'immediate' },
  sentAt: '2009-10-27T17:02:11.000Z',
  speeches: [
    {
      gid: 'uk.org.publicwhip/debate/2009-10-27d.160.3',
      sittingDate: '2009-10-27',
      type: EXAMPLE_TYPE,
      house: 'commons',
      speakerName: 'John McDonnell',
      personName: 'John McDonnell',
      party: 'Labour',
      constituency: 'Hayes and Harlington',
      time: '15:31',
      colnum: '160',
      majorHeading: 'Railways Bill',
      minorHeading: 'Second Reading',
      debateGid: 'uk.org.publicwhip/debate/2009-10-27d.160.1',
      twfyUrl: 'https://www.theyworkforyou.com/debates/?id=2009-10-27d.160.3',
      hansardUrl: 'https://publications.parliament.uk/pa/cm200809/cmhansrd/cm091027/debtext/91027-0005.htm',
      paragraphSeq: 1,
      reason: { query: null, tags: [{ tag: 'outsourcing', confidence: 0.93 }], person: null },
      siteUrl: 'https://hansard-watch.example.org/speeches/uk.org.publicwhip/debate/2009-10-27d.160.3',
      context: {
        kind: 'speech',
        before: { gid: null, speaker: null, text: 'I rise to speak about the line through my constituency…' },
        after: { gid: null, speaker: null, text: 'My constituents deserve a railway run for them.' },
        question: null,
        answer: null,
        tagEvidence: [
          {
            tag: 'outsourcing',
            confidence: 0.93,
            method: 'combined',
            paragraphSeq: 1,
            paragraph:
              'The Bill would let the Secretary of State renew the franchise without any public tender.',
            paragraphHtml:
              'The Bill would let the Secretary of State renew the <mark>franchise</mark> without any public <mark>tender</mark>.',
            rules: ['franchise'],
            classifierTerms: ['tender'],
            why: "The taxonomy's rules match “franchise”; the classifier weighed “tender”.",
          },
        ],
      },
      speakerLabel: 'John McDonnell (Labour, Hayes and Harlington)',
      excerpt: 'The Bill would let the Secretary of State renew the franchise without any public tender.',
      excerptHtml: 'The Bill would let the Secretary of State renew the franchise without any public tender.',
    },
    {
      gid: 'uk.org.publicwhip/debate/2009-10-27d.195.2',
      sittingDate: '2009-10-27',
      type: EXAMPLE_TYPE,
      house: 'commons',
      speakerName: 'McDonnell, John',
      personName: 'John McDonnell',
      party: 'Labour',
      constituency: 'Hayes and Harlington',
      time: '17:45',
      colnum: '195',
      majorHeading: 'Railways Bill',
      minorHeading: 'Second Reading',
      debateGid: null,
      twfyUrl: 'https://www.theyworkforyou.com/debates/?id=2009-10-27d.195.2',
      hansardUrl: null,
      paragraphSeq: null,
      reason: { query: null, tags: [], person: 'uk.org.publicwhip/person/10399' },
      siteUrl: null,
      context: null,
      division: {
        key: `${EXAMPLE_TYPE}:2009-10-27:231`,
        title: 'Railways Bill: Second Reading',
        number: '231',
        vote: 'no',
        voter: 'John McDonnell',
        counts: { ayes: 200, noes: 269, tellerayes: 2, tellernoes: 2 },
        result: 'noes',
        tags: ['outsourcing'],
      },
      speakerLabel: 'John McDonnell (Labour, Hayes and Harlington)',
      excerpt: '',
      excerptHtml: '',
    },
  ],
};
