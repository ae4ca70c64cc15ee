/**
 * The one content hash: feed bytes (ingest checksums, blob keys, conditional fetches),
 * people.json and stored secrets (API keys, feed tokens) are all identified by it.
 */
import { createHash } from 'node:crypto';

/** sha256 of the bytes (a string is hashed as its UTF-8 encoding), as lower-case hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
