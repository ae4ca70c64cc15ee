import { describe, expect, it } from 'vitest';
import {
  advanceCursor,
  changeCursorSchema,
  parseChangedates,
  pendingSince,
  type ChangeCursor,
} from '../../src/feed/changedates.js';

const names = (entries: { name: string }[]): string[] => entries.map((e) => e.name);

describe('parseChangedates', () => {
  it('reads lines, tolerating CRLF, blank lines and surrounding space', () => {
    const { entries, issues } = parseChangedates('100,a.xml\r\n\r\n  200,b.xml  \n\n300,c.xml');
    expect(issues).toEqual([]);
    expect(entries).toEqual([
      { time: 100, name: 'a.xml', line: 1 },
      { time: 200, name: 'b.xml', line: 3 },
      { time: 300, name: 'c.xml', line: 5 },
    ]);
  });

  it('reports bad lines by number and keeps the good ones', () => {
    const { entries, issues } = parseChangedates(
      '100,a.xml\nnot a line\nabc,b.xml\n200,../etc/passwd\n300,\n400,d.xml\n',
    );
    expect(names(entries)).toEqual(['a.xml', 'd.xml']);
    expect(issues.map((i) => i.line)).toEqual([2, 3, 4, 5]);
    expect(issues[2]?.reason).toMatch(/unsafe/);
    expect(issues[0]?.text).toBe('not a line');
  });

  it('returns nothing for an empty file', () => {
    expect(parseChangedates('')).toEqual({ entries: [], issues: [] });
  });
});

describe('pendingSince and advanceCursor', () => {
  const { entries } = parseChangedates(
    ['100,a.xml', '200,b.xml', '200,c.xml', '300,d.xml', '400,a.xml'].join('\n'),
  );

  it('returns everything in order without a cursor, a revised name once at its latest time', () => {
    expect(pendingSince(entries, null).map((e) => [e.name, e.time])).toEqual([
      ['b.xml', 200],
      ['c.xml', 200],
      ['d.xml', 300],
      ['a.xml', 400],
    ]);
  });

  it('returns a processed name again when it is listed later (a revision)', () => {
    const cursor = advanceCursor(null, { time: 100, name: 'a.xml', line: 1 });
    expect(names(pendingSince(entries.slice(0, 4), cursor))).toEqual(['b.xml', 'c.xml', 'd.xml']);
    const later: ChangeCursor = { time: 300, names: ['d.xml'] };
    expect(names(pendingSince(entries, later))).toEqual(['a.xml']);
  });

  it('neither skips nor repeats files sharing a timestamp', () => {
    const afterB = advanceCursor({ time: 100, names: ['a.xml'] }, { time: 200, name: 'b.xml', line: 2 });
    expect(afterB).toEqual({ time: 200, names: ['b.xml'] });
    expect(names(pendingSince(entries, afterB))).toEqual(['c.xml', 'd.xml', 'a.xml']);
    const afterC = advanceCursor(afterB, { time: 200, name: 'c.xml', line: 3 });
    expect(afterC).toEqual({ time: 200, names: ['b.xml', 'c.xml'] });
    expect(names(pendingSince(entries, afterC))).toEqual(['d.xml', 'a.xml']);
  });

  it('walking the list entry by entry visits each pending version exactly once', () => {
    let cursor: ChangeCursor | null = null;
    const seen: string[] = [];
    for (;;) {
      const [next] = pendingSince(entries, cursor);
      if (!next) break;
      seen.push(`${next.time}:${next.name}`);
      cursor = advanceCursor(cursor, next);
    }
    expect(seen).toEqual(['200:b.xml', '200:c.xml', '300:d.xml', '400:a.xml']);
  });

  it('orders by time even when lines are out of order, and is idempotent at the cursor', () => {
    const { entries: shuffled } = parseChangedates('300,c.xml\n100,a.xml\n200,b.xml\n');
    expect(names(pendingSince(shuffled))).toEqual(['a.xml', 'b.xml', 'c.xml']);
    const cursor = { time: 300, names: ['c.xml'] };
    expect(advanceCursor(cursor, { time: 300, name: 'c.xml', line: 1 })).toBe(cursor);
    expect(advanceCursor(cursor, { time: 200, name: 'b.xml', line: 3 })).toBe(cursor);
    expect(pendingSince(shuffled, cursor)).toEqual([]);
  });

  it('validates a stored cursor', () => {
    expect(changeCursorSchema.parse({ time: 5, names: ['a.xml'] })).toEqual({ time: 5, names: ['a.xml'] });
    expect(() => changeCursorSchema.parse({ time: -1, names: [] })).toThrow();
  });
});
