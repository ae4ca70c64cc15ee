/**
 * Speech-level tags from paragraph tags: a speech carries a tag if any paragraph does; its
 * confidence is the strongest paragraph's, and the tagged paragraphs are the evidence.
 */
import type { SpeechTag, TaggedParagraph } from './types.js';

export function aggregateSpeech(paragraphs: readonly TaggedParagraph[]): SpeechTag[] {
  const byTag = new Map<string, SpeechTag>();
  for (const p of paragraphs) {
    for (const t of p.tags) {
      const entry = byTag.get(t.tag) ?? { tag: t.tag, confidence: 0, method: t.method, paragraphs: [] };
      if (t.confidence > entry.confidence) {
        entry.confidence = t.confidence;
        entry.method = t.method;
      }
      entry.paragraphs.push({
        pid: p.pid,
        seq: p.seq,
        confidence: t.confidence,
        terms: [...new Set(t.evidence.map((e) => e.term))],
      });
      byTag.set(t.tag, entry);
    }
  }
  for (const entry of byTag.values())
    entry.paragraphs.sort((a, b) => b.confidence - a.confidence || a.seq - b.seq);
  return [...byTag.values()];
}
