import { describe, expect, it } from 'vitest';
import { normaliseTime } from '../../src/debate/sitting-time.js';
import { parseBody } from './helpers.js';

describe('normaliseTime', () => {
  it('reads every form the shared week and the 2023 file use', () => {
    expect(normaliseTime('011:32:00')).toBe('11:32'); // Commons, Lords, Westminster Hall 2009
    expect(normaliseTime('009:30:00')).toBe('09:30');
    expect(normaliseTime('022:14:00')).toBe('22:14');
    expect(normaliseTime('000:05:00')).toBe('00:05');
    expect(normaliseTime('14:30:00')).toBe('14:30'); // Commons 2023, Scottish Parliament
    expect(normaliseTime('11:32')).toBe('11:32'); // NI Assembly, standing committees
    expect(normaliseTime('9:30')).toBe('09:30'); // standing committees
    expect(normaliseTime(' 10:45 ')).toBe('10:45');
  });

  it('reads the other ways Hansard times are written', () => {
    expect(normaliseTime('1132')).toBe('11:32');
    expect(normaliseTime('0930')).toBe('09:30');
    expect(normaliseTime('11.32')).toBe('11:32');
    expect(normaliseTime('4.31 pm')).toBe('16:31');
    expect(normaliseTime('4.31pm')).toBe('16:31');
    expect(normaliseTime('4.31 p.m.')).toBe('16:31');
    expect(normaliseTime('11.32 am')).toBe('11:32');
    expect(normaliseTime('12.30 pm')).toBe('12:30');
    expect(normaliseTime('12.05 am')).toBe('00:05');
    expect(normaliseTime('7 PM')).toBe('19:00');
  });

  it('drops seconds, as Hansard prints times to the minute', () => {
    expect(normaliseTime('14:30:59')).toBe('14:30');
    expect(normaliseTime('014:30:45')).toBe('14:30');
  });

  it('treats an absent time as null, not as an error', () => {
    expect(normaliseTime('')).toBeNull();
    expect(normaliseTime('   ')).toBeNull();
    expect(normaliseTime('unknown')).toBeNull();
    expect(normaliseTime('Unknown')).toBeNull();
  });

  it('refuses what is not a time of day', () => {
    for (const bad of [
      '24:00',
      '011:60:00',
      '25:10:00',
      '111:32:00', // three hour digits without the leading zero
      '11:3',
      '11:32:0',
      '11:32:60',
      '11.32:00',
      '113',
      '11320',
      '1:2',
      'noon',
      '13.05 pm',
      '0.30 am',
      '11:32 tomorrow',
      '2009-10-26T11:32:00',
      '١١:٣٢', // Arabic-Indic digits
    ])
      expect(normaliseTime(bad), bad).toBeUndefined();
  });
});

describe('time attributes in a parsed file', () => {
  const doc = parseBody(
    [
      '<major-heading id="h1" time="009:30:00">Business</major-heading>',
      '<speech id="s1" time="011:32:00"><p>a</p></speech>',
      '<speech id="s2" time="9:05"><p>b</p></speech>',
      '<speech id="s3" time="unknown"><p>c</p></speech>',
      '<speech id="s4" time=""><p>d</p></speech>',
      '<speech id="s5" time="half past"><p>e</p></speech>',
      '<division id="d1" divnumber="1" time="018:1"><divisioncount ayes="1" noes="0"/></division>',
    ].join('\n'),
  );

  it('stores headings, speeches and divisions as HH:MM', () => {
    expect(doc.headings[0]?.time).toBe('09:30');
    expect(doc.speeches.map((s) => s.time)).toEqual(['11:32', '09:05', null, null, null]);
  });

  it('keeps an item with an unreadable time, without a time, and warns naming file and gid', () => {
    expect(doc.speeches[4]?.paragraphs[0]?.text).toBe('e');
    expect(doc.divisions[0]?.time).toBeNull();
    expect(doc.divisions[0]?.counts).toEqual({ ayes: 1, noes: 0 });
    expect(doc.warnings).toEqual([
      {
        severity: 'warning',
        file: 'debates2030-01-01a.xml',
        line: 9,
        column: 1,
        field: 'speech@time',
        message: 'unreadable time "half past" on s5; stored without a time',
      },
      {
        severity: 'warning',
        file: 'debates2030-01-01a.xml',
        line: 10,
        column: 1,
        field: 'division@time',
        message: 'unreadable time "018:1" on d1; stored without a time',
      },
    ]);
  });
});
