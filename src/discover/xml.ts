import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Result of reading an XML document: the tree, or why it could not be read. */
export type XmlResult = { ok: true; doc: Record<string, unknown> } | { ok: false; reason: string };

// Elements that may repeat; the parser must always give arrays for them, even for one child. Only feeds
// (feed.ts: RSS `item`, `category`, `link`; Atom `entry`, `link`) are read here: sitemaps (`url`, `sitemap`)
// are read by saxes in sitemap.ts, so those two entries are unused.
const REPEATED = new Set(['url', 'sitemap', 'item', 'category', 'entry', 'link']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => REPEATED.has(name),
});

/**
 * Parses a feed with fast-xml-parser after validating it, so a broken file is a reason (with its line), not a
 * guess. The validator is laxer than a strict XML parser (it lets through some documents XML refuses).
 */
export function readXml(text: string): XmlResult {
  const valid = XMLValidator.validate(text);
  if (valid !== true) return { ok: false, reason: `invalid XML: ${valid.err.msg} (line ${valid.err.line})` };
  return { ok: true, doc: parser.parse(text) as Record<string, unknown> };
}

/** The text of an element that may be a string, a number or an object with `#text`. */
export function textOf(node: unknown): string | undefined {
  if (typeof node === 'string') return node.trim() || undefined;
  if (typeof node === 'number') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return textOf(node['#text']);
  return undefined;
}

/** The value as an array: absent → empty, one → one-element array. */
export function listOf(node: unknown): unknown[] {
  if (node === undefined || node === null || node === '') return [];
  return Array.isArray(node) ? node : [node];
}
