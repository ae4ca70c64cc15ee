/**
 * The OpenAPI 3.1 description of /api/v1, written alongside the zod schemas in schemas.ts
 * (which are what actually validate). Parameters shared by several endpoints are defined
 * once here, like the filters they describe.
 */
import { FEED_TYPES } from '../../debate/types.js';
import { EXPORT_COLUMNS, EXPORT_FORMATS } from '../../export/index.js';
import { HOUSES } from '../../search/filters.js';
import { INTERVALS } from '../../search/tag-repository.js';
import { VOTE_COLUMNS } from '../../export/vote-export.js';
import { FREQUENCIES } from './schemas.js';

type Schema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'query' | 'path';
  description: string;
  required?: boolean;
  schema: Schema;
  explode?: boolean;
}

const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const list = (items: Schema): Schema => ({ type: 'array', items });
const q = (name: string, description: string, schema: Schema): Parameter => ({
  name,
  in: 'query',
  description,
  schema,
});

const FILTERS: Parameter[] = [
  q(
    'q',
    'Full-text query, matched per paragraph (English stemming): words, "a phrase", OR, and -word to exclude. A speech matches when one of its paragraphs does.',
    str({ maxLength: 500, examples: ['"Royal Mail" -strike'] }),
  ),
  {
    ...q(
      'tag',
      'Tags (repeat the parameter or separate with commas); a speech matches when it carries any of them at minConfidence or more.',
      list(str({ pattern: '^[a-z][a-z0-9_-]*$' })),
    ),
    explode: true,
  },
  q('minConfidence', 'Lowest tag confidence that counts, 0 to 1.', {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: 0.5,
  }),
  q('tagged', 'Only speeches carrying some tag at minConfidence or more.', { type: 'boolean' }),
  q('person', 'Speaker: person id, short (10586) or full (uk.org.publicwhip/person/10586).', str()),
  q(
    'party',
    'Party of the speaker at the time of the speech (case-insensitive), e.g. Labour.',
    str({ maxLength: 100 }),
  ),
  { ...q('house', "Speaker's house at the time.", list(str({ enum: [...HOUSES] }))), explode: true },
  { ...q('type', 'Feed type (series of the record).', list(str({ enum: [...FEED_TYPES] }))), explode: true },
  q('from', 'First sitting date, inclusive.', str({ format: 'date' })),
  q('to', 'Last sitting date, inclusive.', str({ format: 'date' })),
];

const PAGING: Parameter[] = [
  q('cursor', 'Opaque cursor from the previous page (nextCursor).', str()),
  q('limit', 'Results per page.', { type: 'integer', minimum: 1, maximum: 100, default: 20 }),
];

/** Long speeches and debates come a window of paragraphs at a time (about 2 MB of text at most). */
const PAGE_CURSOR: Parameter = q(
  'cursor',
  'Where the previous part ended (its nextCursor); the response holds the next paragraphs up to a size limit, and `next` links to the part after.',
  str(),
);

const GID: Parameter = {
  name: 'gid',
  in: 'path',
  required: true,
  description:
    'TheyWorkForYou gid, slashes kept or percent-encoded, e.g. uk.org.publicwhip/debate/2009-10-26b.1.2.',
  schema: str(),
};
const PERSON: Parameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Person id (10586 or uk.org.publicwhip/person/10586, percent-encoded).',
  schema: str(),
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const BAD_REQUEST = errorResponse('Invalid parameter; `issues` names each field and what was wrong.');
const NOT_FOUND = errorResponse('Not found.');
const ok = (description: string, schema: Schema = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});
const moved = { description: 'An older gid (from a revised file): Location holds the current one.' };

const TAG_SCORE: Schema = { type: 'object', properties: { tag: str(), confidence: { type: 'number' } } };
const SEARCH_HIT: Schema = {
  type: 'object',
  properties: {
    gid: str(),
    sittingDate: str({ format: 'date' }),
    type: str(),
    house: str(),
    speakerName: str({
      description: 'As Hansard printed it: a name, a name with seat and party, or an office.',
    }),
    personName: str({ description: "The person's name on the sitting date, from the member data." }),
    office: str({ description: 'The office the printed name stands for ("The First Minister"), else null.' }),
    speakerLabel: str({
      description: 'Name (party, seat) at the time: the label every page and export uses.',
    }),
    personId: str(),
    party: str({ description: 'At the time of the speech.' }),
    constituency: str(),
    majorHeading: str(),
    minorHeading: str(),
    debateGid: str(),
    colnum: str(),
    hansardUrl: str(),
    twfyUrl: str(),
    paragraphSeq: { type: 'integer' },
    excerpt: str(),
    excerptHtml: str({ description: 'Escaped HTML; matched words in <mark>.' }),
    tags: list(TAG_SCORE),
  },
};
const SEARCH_PAGE: Schema = {
  type: 'object',
  properties: {
    results: list(SEARCH_HIT),
    nextCursor: { type: ['string', 'null'] },
    next: { type: ['string', 'null'], description: 'URL of the next page.' },
  },
};

const VOTE: Schema = {
  type: 'object',
  description: 'A vote, with the person, party and seat the member data give for the division date.',
  properties: Object.fromEntries(
    VOTE_COLUMNS.map((c) => [
      c,
      c === 'sitting_date' ? str({ format: 'date' }) : { type: ['string', 'null'] },
    ]),
  ),
};
const DIVISION: Schema = {
  type: 'object',
  properties: {
    gid: str(),
    type: str(),
    house: str(),
    sittingDate: str({ format: 'date' }),
    number: str(),
    counts: {
      type: 'object',
      additionalProperties: { type: 'integer' },
      description: 'As the feed states them.',
    },
    tally: {
      type: 'object',
      additionalProperties: { type: 'integer' },
      description: 'Votes listed, per vote.',
    },
    resolved: {
      type: 'object',
      properties: {
        votes: { type: 'integer' },
        withPerson: { type: 'integer' },
        withParty: { type: 'integer' },
      },
    },
    citation: str(),
    twfyUrl: str(),
    hansardUrl: str(),
    votes: list({
      type: 'object',
      properties: {
        seq: { type: 'integer' },
        vote: str(),
        voterName: str({ description: 'As the division list prints the voter.' }),
        memberId: str(),
        personId: str(),
        personName: str(),
        membershipId: str(),
        party: str({ description: 'At the division date.' }),
        constituency: str(),
        house: str(),
      },
    }),
  },
};

export function openApiDocument(): Schema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'hansard-watch API',
      version: '1',
      description:
        'UK parliamentary debates (TheyWorkForYou parlparse data) tagged for NHS outsourcing, privatisation, STPs and ACOs. Read-only and public, except subscriptions. Data © Parliamentary copyright, Open Parliament Licence.',
    },
    servers: [{ url: '/api/v1' }],
    paths: {
      '/search': {
        get: {
          summary: 'Search speeches',
          parameters: [...FILTERS, ...PAGING],
          responses: { 200: ok('A page of speeches, newest first.', SEARCH_PAGE), 400: BAD_REQUEST },
        },
      },
      '/speeches/{gid}': {
        get: {
          summary: 'A speech with its paragraphs and tags',
          description:
            'A paragraph longer than 100,000 characters is cut (`truncated`, with its `fullLength`); a long speech is paged (`nextCursor`, `next`). `time` is `HH:MM` (24-hour) or null.',
          parameters: [GID, FILTERS[2]!, PAGE_CURSOR],
          responses: { 200: ok('The speech.'), 301: moved, 400: BAD_REQUEST, 404: NOT_FOUND },
        },
      },
      '/debates/{gid}': {
        get: {
          summary: 'A debate (heading) with its speeches; a speech gid redirects to its debate',
          description:
            'Paged by paragraphs (`nextCursor`, `next`); a speech split between parts is marked `continued` on the later one.',
          parameters: [GID, FILTERS[2]!, PAGE_CURSOR],
          responses: { 200: ok('The debate.'), 301: moved, 400: BAD_REQUEST, 404: NOT_FOUND },
        },
      },
      '/people': {
        get: {
          summary: 'Find people by name',
          parameters: [q('q', 'Part of a name (at least 2 characters).', str({ minLength: 2 })), PAGING[1]!],
          responses: { 200: ok('Matching people.'), 400: BAD_REQUEST },
        },
      },
      '/people/{id}': {
        get: {
          summary: 'Profile and speaking record',
          description:
            'Names, parties and seats over time; speeches per tag, per house and type, and per month.',
          parameters: [PERSON, FILTERS[2]!, FILTERS[8]!, FILTERS[9]!],
          responses: { 200: ok('The person.'), 400: BAD_REQUEST, 404: NOT_FOUND },
        },
      },
      '/people/{id}/speeches': {
        get: {
          summary: "A person's speeches, newest first",
          parameters: [PERSON, ...FILTERS.filter((p) => p.name !== 'person'), ...PAGING],
          responses: { 200: ok('A page of speeches.', SEARCH_PAGE), 400: BAD_REQUEST },
        },
      },
      '/people/{id}/votes': {
        get: {
          summary: "A person's votes in divisions, newest first",
          parameters: [PERSON, FILTERS[8]!, FILTERS[9]!, ...PAGING],
          responses: {
            200: ok('A page of votes.', {
              type: 'object',
              properties: {
                personId: str(),
                results: list(VOTE),
                nextCursor: { type: ['string', 'null'] },
                next: { type: ['string', 'null'], description: 'URL of the next page.' },
              },
            }),
            400: BAD_REQUEST,
            404: NOT_FOUND,
          },
        },
      },
      '/divisions/{gid}': {
        get: {
          summary: 'A division with its counts and every vote',
          parameters: [
            { ...GID, description: 'Division gid, e.g. uk.org.publicwhip/debate/2009-10-26b.125.5.' },
          ],
          responses: { 200: ok('The division.', DIVISION), 301: moved, 400: BAD_REQUEST, 404: NOT_FOUND },
        },
      },
      '/tags': {
        get: {
          summary: 'Tags with speech counts',
          parameters: [FILTERS[2]!],
          responses: { 200: ok('Tags.'), 400: BAD_REQUEST },
        },
      },
      '/tags/timeline': {
        get: {
          summary: 'Speeches per tag over time',
          parameters: [
            ...FILTERS,
            q('interval', 'Period length.', str({ enum: [...INTERVALS], default: 'month' })),
          ],
          responses: { 200: ok('Counts per period and tag.'), 400: BAD_REQUEST },
        },
      },
      '/export': {
        get: {
          summary: 'Research export (streamed)',
          description: `One row per paragraph (per tagged paragraph when tag or tagged is given) or per speech. Columns: ${EXPORT_COLUMNS.join(', ')}. With per=vote, one row per vote in a division (filters person, party, house, type, from, to; q, tag, tagged and minConfidence are refused). Columns: ${VOTE_COLUMNS.join(', ')}.`,
          parameters: [
            ...FILTERS,
            { ...q('format', 'File format.', str({ enum: Object.keys(EXPORT_FORMATS) })), required: true },
            q(
              'per',
              'One row per paragraph, per speech, or per vote.',
              str({ enum: ['paragraph', 'speech', 'vote'], default: 'paragraph' }),
            ),
            q(
              'excel',
              "CSV for spreadsheets: byte order mark, and cells starting with = + - @ prefixed with '.",
              { type: 'boolean' },
            ),
          ],
          responses: {
            200: {
              description: 'The file.',
              content: Object.fromEntries(
                Object.values(EXPORT_FORMATS).map((f) => [
                  f.contentType.split(';')[0],
                  { schema: str({ format: 'binary' }) },
                ]),
              ),
            },
            400: BAD_REQUEST,
            429: errorResponse('Too many exports from your address; see Retry-After.'),
            503: errorResponse(
              'The server is running as many exports as it allows, or is busy; see Retry-After.',
            ),
          },
        },
      },
      '/subscriptions': {
        post: {
          summary: 'Ask for email alerts',
          requestBody: {
            required: true,
            content: Object.fromEntries(
              ['application/json', 'application/x-www-form-urlencoded'].map((t) => [
                t,
                { schema: { $ref: '#/components/schemas/Subscription' } },
              ]),
            ),
          },
          responses: {
            202: ok(
              'Accepted. The same answer (only a message) for every address, whether new, awaiting confirmation or already subscribed: what happens next is in the e-mail.',
              { type: 'object', properties: { message: str() } },
            ),
            400: BAD_REQUEST,
            429: errorResponse('Too many subscribe requests from this client; see Retry-After.'),
            501: errorResponse('Alerts are not available on this server yet.'),
            503: errorResponse('This server cannot send e-mail (no SMTP configured).'),
          },
        },
      },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          properties: {
            error: str(),
            message: str(),
            issues: list({ type: 'object', properties: { field: str(), message: str() } }),
          },
        },
        Subscription: {
          type: 'object',
          required: ['email'],
          description: 'At least one of q, tag or person.',
          properties: {
            email: str({ format: 'email' }),
            q: str({ maxLength: 500 }),
            tag: list(str()),
            person: str(),
            minConfidence: { type: 'number', minimum: 0, maximum: 1 },
            frequency: str({ enum: [...FREQUENCIES], default: 'daily' }),
          },
        },
      },
    },
  };
}
