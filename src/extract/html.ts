// The one HTML parser: parse5 (the HTML standard's tree construction, the tree a browser builds)
// into domhandler nodes, with cheerio's API over them: what `cheerio.load` does, without loading
// cheerio's main entry, which brings fetching and stream decoding (undici, iconv-lite: memory and load
// time on every thread; see docs/performance.md) that extraction never uses.
import type { CheerioAPI } from 'cheerio';
import { load } from 'cheerio/slim';
import { isDocument, type Document, type ParentNode } from 'domhandler';
import { parse, parseFragment, serializeOuter } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';

/** A page's tree, as `cheerio.load(html)` builds it. `scripting: false` parses `<noscript>` content as markup. */
export function parseDocument(html: string, options: { scripting?: boolean } = {}): Document {
  return parse(html, { treeAdapter: adapter, scriptingEnabled: options.scripting ?? true });
}

/** A page, as `cheerio.load(html)` parses it, with cheerio's API over it. */
export function loadPage(html: string, options: { scripting?: boolean } = {}): CheerioAPI {
  return load(parseDocument(html, options));
}

/** A fragment, as `cheerio.load(html, null, false)` parses it. */
export function loadFragment(html: string): CheerioAPI {
  return load(parseFragment(html, { treeAdapter: adapter, scriptingEnabled: true }), null, false);
}

/** The HTML of a node's children, as cheerio's `.html()` writes it (parse5's serializer; a template's content inline). */
export function innerHtml(node: ParentNode): string {
  let html = '';
  for (const child of node.children)
    html += isDocument(child) ? innerHtml(child) : serializeOuter(child, { treeAdapter: adapter });
  return html;
}
