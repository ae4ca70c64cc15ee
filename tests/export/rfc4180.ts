/**
 * A strict RFC 4180 parser for the tests: records end in CRLF, quoted fields may hold
 * `"`, `,`, CR and LF, quotes inside are doubled. Anything else (a bare LF ending a
 * record, a stray quote in an unquoted field) throws, so the writer cannot pass by
 * producing merely "lenient-reader-compatible" output.
 */
export function parseCsv(input: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < input.length) {
    const { value, next } = input[i] === '"' ? quotedField(input, i) : plainField(input, i);
    record.push(value);
    i = next;
    if (input.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else if (input[i] === ',') {
      i++;
      if (i === input.length) throw new Error('input ends after a comma');
    } else if (i < input.length) {
      throw new Error(`unexpected ${JSON.stringify(input[i])} at ${i}`);
    }
  }
  if (record.length > 0) throw new Error('last record is not terminated by CRLF');
  return records;
}

function quotedField(input: string, start: number): { value: string; next: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const close = input.indexOf('"', i);
    if (close < 0) throw new Error(`unterminated quoted field at ${start}`);
    value += input.slice(i, close);
    if (input[close + 1] !== '"') return { value, next: close + 1 };
    value += '"';
    i = close + 2;
  }
}

function plainField(input: string, start: number): { value: string; next: number } {
  let i = start;
  while (i < input.length && input[i] !== ',' && input[i] !== '\r') {
    if (input[i] === '"' || input[i] === '\n')
      throw new Error(`unquoted field holds ${JSON.stringify(input[i])} at ${i}`);
    i++;
  }
  return { value: input.slice(start, i), next: i };
}
