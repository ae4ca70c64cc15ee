import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/store/checksum.js';

describe('sha256Hex', () => {
  it('gives the standard digest, in lower-case hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes a string as its UTF-8 bytes, so text and feed bytes share one hash', () => {
    const text = 'Mr Speaker — “order”';
    expect(sha256Hex(text)).toBe(sha256Hex(new TextEncoder().encode(text)));
    expect(sha256Hex(text)).not.toBe(sha256Hex(Buffer.from(text, 'latin1')));
  });
});
