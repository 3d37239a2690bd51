import type { Element } from 'domhandler';
import { textOf } from './dom.js';

/** What a page's `<head>` says, read in one pass over its children. */
export interface HeadFacts {
  /** `<meta property|name=…>` values by lower-cased key, in document order. */
  metas: ReadonlyMap<string, readonly string[]>;
  /** `<link rel=…>` hrefs by lower-cased rel (first wins). */
  links: ReadonlyMap<string, string>;
  /** Text of `<title>`. */
  title?: string;
  /** Target of `<meta http-equiv="refresh" content="0; url=…">`. */
  refreshUrl?: string;
}

const REFRESH_URL = /^\s*\d*\s*[;,]?\s*url\s*=\s*['"]?([^'"]*)['"]?\s*$/i;

/** Reads the head: metas, links, title, refresh. Only `<head>`'s children are looked at. */
export function readHead(head: Element | undefined): HeadFacts {
  const metas = new Map<string, string[]>();
  const links = new Map<string, string>();
  let title: string | undefined;
  let refreshUrl: string | undefined;
  for (const child of head?.children ?? []) {
    if (child.type !== 'tag') continue;
    const element = child;
    const attribs = element.attribs;
    if (element.name === 'meta') {
      const key = (attribs.property ?? attribs.name ?? '').toLowerCase();
      const content = attribs.content;
      if (key && content !== undefined) metas.set(key, [...(metas.get(key) ?? []), content.trim()]);
      if (attribs['http-equiv']?.toLowerCase() === 'refresh' && content)
        refreshUrl = REFRESH_URL.exec(content)?.[1]?.trim();
    } else if (element.name === 'link' && attribs.rel && attribs.href) {
      for (const rel of attribs.rel.toLowerCase().split(/\s+/))
        if (!links.has(rel)) links.set(rel, attribs.href.trim());
    } else if (element.name === 'title' && title === undefined) {
      title = textOf(element).trim();
    }
  }
  return { metas, links, ...(title !== undefined && { title }), ...(refreshUrl && { refreshUrl }) };
}
