import { describe, expect, it } from 'vitest';
import { findKeywordMatches } from '../../src/tag/keyword.js';
import { combinedTags, committedRules, keywordTags } from './helpers.js';

describe('STP: NHS sense only', () => {
  it.each([
    'The sustainability and transformation plan for my area proposes to close our A&E.',
    'Sustainability and transformation partnerships bring councils and NHS bodies together.',
    'All 44 sustainability & transformation plans have now been published.',
    'The STP for Cheshire and Merseyside assumes a £1 billion gap in NHS funding by 2021.',
    'Many STPs were drawn up behind closed doors, without clinicians or patients being consulted.',
    'Leaders of the Dorset STP footprint told the Health Committee that beds would be cut.',
    'The STP’s plan for community hospitals has alarmed my constituents.',
  ])('tags: %s', (text) => {
    expect(keywordTags(text)).toContain('stp');
    expect(combinedTags(text)).toContain('stp');
  });

  it.each([
    'Several STPs in my constituency discharged untreated sewage into the river during heavy rain.',
    'The Minister visited São Tomé and Príncipe, known as STP, to discuss cocoa exports.',
    'The STP, the strategic transport projects review, sets out road and rail investment for Scotland.',
    'The financial sustainability of the NHS depends on a long-term settlement.',
    'The Transforming Care programme has failed people with learning disabilities.',
    'Every CCG has a local transformation plan for children’s mental health.',
  ])('does not tag: %s', (text) => {
    expect(keywordTags(text)).not.toContain('stp');
    expect(combinedTags(text)).not.toContain('stp');
  });

  it('takes NHS context for a bare acronym from the neighbouring paragraphs of the speech', () => {
    const text = 'I have asked the STP three times for its evidence, and I am still waiting.';
    expect(keywordTags(text)).not.toContain('stp');
    expect(
      keywordTags(text, { neighbourText: 'The plan would close the maternity unit at our hospital.' }),
    ).toContain('stp');
    expect(
      keywordTags(text, { neighbourText: 'The sewage works overflowed again last winter.' }),
    ).not.toContain('stp');
  });
});

describe('ACO: accountable care, the ACO contract and the ICP contract', () => {
  it.each([
    'Accountable care organisations would hold a single contract for up to 15 years.',
    'The first wave of accountable care systems includes South Yorkshire and Bassetlaw.',
    'An accountable care partnership has been formed in Northumberland.',
    'We are moving towards accountable care across the county.',
    'The ACO contract has been challenged by judicial review.',
    'ACOs could allow a single provider to decide what care is provided, with a capitated budget.',
    'The shadow ACS in my area says it will be population health focused, according to the CCG.',
    'The ACSs have been given a shared control total with NHS England.',
    'The integrated care provider contract will only be used where commissioners choose it.',
    'Dudley CCG is procuring an integrated care provider.',
    'No ICP contract has yet been awarded by any commissioner.',
  ])('tags: %s', (text) => {
    expect(keywordTags(text)).toContain('aco');
    expect(combinedTags(text)).toContain('aco');
  });

  it.each([
    'Integrated care systems will cover the whole of England by April 2021.',
    'Integrated care boards will take on the commissioning functions of CCGs.',
    'An integrated care partnership will bring together the ICB and local authorities.',
    'The multi-specialty community provider vanguard brought GPs and community nurses together.',
    'Primary and acute care systems join up GP, hospital and community services.',
    'The assistant chief officer, ACO Smith, confirmed that the police officers were suspended.',
    'The ACS, the Association of Convenience Stores, says that shop theft is rising.',
    'Patients with suspected ACS should reach a heart attack centre within 90 minutes.',
    'The ICP for hip fracture, an integrated care pathway, has reduced mortality in our hospital.',
    'Raised ICP after head injury must be monitored in a neurosurgical unit at the hospital.',
  ])('does not tag: %s', (text) => {
    expect(keywordTags(text)).not.toContain('aco');
    expect(combinedTags(text)).not.toContain('aco');
  });
});

describe('hard negatives', () => {
  it.each([
    ['per capita', 'Per capita funding for public health in the north-east is below the national average.'],
    ['capital', 'The capital budget for the NHS has been raided to pay for day-to-day spending.'],
    ['mutual respect', 'Mutual respect between the Governments is essential to the Union.'],
    ['square the circle', 'We need to square the circle between growth and the environment.'],
    ['contender', 'A contender for the worst-run railway must be the line to Manchester.'],
    [
      'figurative outsourcing',
      'Why is the Prime Minister outsourcing responsibility to the Scottish Parliament?',
    ],
    [
      'figurative outsourcing (policy)',
      'The Government appear to have outsourced their foreign policy to the White House.',
    ],
    [
      'pension contracting out',
      'The end of contracting out of the state second pension will raise national insurance contributions.',
    ],
    [
      'Contracting Out Act',
      'Schedule 15 to the Deregulation and Contracting Out Act 1994 applies to the authorisation.',
    ],
    ['legal tender', 'Scottish banknotes are not, strictly speaking, legal tender anywhere in the UK.'],
    ['franchise as the vote', 'Votes at 16 would extend the franchise to a million young people.'],
    ['employment contract', 'The junior doctors’ contract has been imposed against the wishes of the BMA.'],
    [
      'private sector, no ownership change',
      'Private sector investment in research must rise to 2.4% of GDP.',
    ],
    ['private rented sector', 'The private rented sector has doubled in size over fifteen years.'],
    ['sales of goods', 'The sale of energy drinks to children should be banned.'],
    ['Capita consultancy', 'The Capita Symonds report found that the embankments were at risk of failure.'],
    ['PFI as debt', 'The fiscal rules leave out PFI liabilities, so the debt figures are misleading.'],
  ])('%s', (_label, text) => {
    expect(keywordTags(text)).toEqual([]);
  });

  it('a sale between public bodies is not privatisation', () => {
    expect(
      keywordTags('The receipt for the sale of the farm to Highlands and Islands Enterprise was £3 million.'),
    ).not.toContain('privatisation');
  });
});

describe('outsourcing and privatisation rules', () => {
  it.each([
    ['outsourcing', 'The council has outsourced its back-office functions to a private company.'],
    ['outsourcing', 'Hospital cleaning was contracted out in the 1990s.'],
    ['outsourcing', 'Capita was given the contract to run primary care support services.'],
    ['outsourcing', 'The community rehabilitation companies have failed to supervise offenders.'],
    ['outsourcing', 'The East Coast rail franchise has failed three times.'],
    ['outsourcing', 'Thirty trusts have set up wholly owned subsidiaries for estates staff in the NHS.'],
    ['outsourcing', 'Five hospitals built under the private finance initiative cost £100 million a year.'],
    ['outsourcing', 'Independent sector treatment centres provide elective care, not emergency care.'],
    ['outsourcing', 'We have no plans to outsource the service.'],
    ['privatisation', 'This is not privatisation, whatever the hon. Lady says.'],
    ['privatisation', 'The Government sold off the Royal Mail at a knock-down price.'],
    ['privatisation', 'The part-privatisation of Royal Mail is the shadow over this dispute.'],
    ['privatisation', 'We will never allow the NHS to be up for sale in a trade deal.'],
    ['privatisation', 'The sale of the Government’s remaining stake will raise £600 million.'],
  ])('%s: %s', (tag, text) => {
    expect(keywordTags(text)).toContain(tag);
  });
});

describe('match spans', () => {
  it('point at the matched words, in UTF-16 offsets of the paragraph', () => {
    const text =
      'Leaders of the Dorset STP told us that accountable care organisations — “ACOs” — would follow; the service was later outsourced.';
    const matches = findKeywordMatches(committedRules(), text);
    for (const m of matches) expect(text.slice(m.start, m.end)).toBe(m.term);
    expect(matches.map((m) => [m.tag, m.term])).toEqual([
      ['outsourcing', 'outsourced'],
      ['stp', 'STP'],
      ['aco', 'accountable care organisations'],
      ['aco', 'ACOs'],
    ]);
    expect(matches.find((m) => m.term === 'STP')?.start).toBe(text.indexOf('STP'));
  });

  it('keep the surest of overlapping patterns once', () => {
    const matches = findKeywordMatches(
      committedRules(),
      'The trust used compulsory competitive tendering for these services.',
    );
    const outsourcing = matches.filter((m) => m.tag === 'outsourcing');
    expect(outsourcing.map((m) => [m.patternId, m.term])).toEqual([
      ['cct', 'compulsory competitive tendering'],
    ]);
  });
});
