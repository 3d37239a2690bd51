import { decodeBody, undoEncoding, type Refused } from './decode.js';
import { pageLimitBreach } from './page-limits.js';
import type { Purpose } from './policy.js';

/** The body of a response, read; or why it was refused. */
export type Read<B> = { ok: true; body: B; contentType?: string } | Refused;

/** How a request asks for its body and reads it: a page as text in its charset, a file as its bytes. */
export interface BodyKind<B> {
  purpose: Purpose;
  headers: Record<string, string>;
  read(raw: Buffer, headers: Record<string, string | string[] | undefined>, path: string, maxBytes: number): Read<B>;
}

export const PAGE: BodyKind<string> = {
  purpose: 'page',
  headers: {
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8',
    'accept-encoding': 'gzip, br',
  },
  read: (raw, headers, path, maxBytes) => {
    const decoded = decodeBody(raw, headers, path, maxBytes);
    if (!decoded.ok) return decoded;
    // Refused here, before any parser sees it, so a hostile page fails alone and costs no memory.
    const breach = isHtmlPath(path) ? pageLimitBreach(decoded.text) : undefined;
    if (breach !== undefined) return { ok: false, error: breach };
    return { ok: true, body: decoded.text, ...(decoded.contentType && { contentType: decoded.contentType }) };
  },
};

export const FILE: BodyKind<Buffer> = {
  purpose: 'file',
  // Wanted as served: no compression asked for, so the bytes are the file's (a server that compresses anyway is undone).
  headers: { accept: '*/*', 'accept-encoding': 'identity' },
  read: (raw, headers, _path, maxBytes) => {
    const unpacked = undoEncoding(raw, headers, maxBytes);
    const contentType = first(headers['content-type']);
    return unpacked.ok ? { ok: true, body: unpacked.body, ...(contentType && { contentType }) } : unpacked;
  },
};

/** Sitemaps, feeds and robots.txt are read by their own small parsers, within maxBytes; every other page is HTML. */
function isHtmlPath(path: string): boolean {
  return !/(\.xml|\.xml\.gz|\/robots\.txt)$/i.test(path);
}

export function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
