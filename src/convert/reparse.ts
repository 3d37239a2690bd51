// Would a parsed body's HTML, parsed again, give back the same tree? The conversion walks the tree
// the extractor parsed (src/convert/dom.ts); where the old serialize-and-parse round trip would have
// built another tree, the body is converted from its HTML instead, so the Markdown never changes.
import type { ParentNode } from 'domhandler';
import { ELEMENT, HTML_NS } from './dom-constants.js';
import type { DomNode } from './dom.js';

/**
 * Roots whose inner HTML, parsed again inside a body, does not give back their children: table
 * parts, raw text, templates. A body under one of them is converted from its HTML, as it always was.
 */
const REPARSES_OTHERWISE = new Set([
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'colgroup',
  'select',
  'template',
  'noscript',
  'noembed',
  'noframes',
  'xmp',
  'iframe',
  'plaintext',
  'textarea',
  'title',
  'frameset',
  'head',
  'html',
]);

export function reparsesAsIs(root: ParentNode): boolean {
  if (root.type !== 'tag') return root.type === 'root';
  const element = root;
  return (element.namespace ?? HTML_NS) === HTML_NS && !REPARSES_OTHERWISE.has(element.name);
}

// Trees the parser builds from broken markup (adoption of misnested tags, foster parenting out of
// tables) that it would not build again from their own HTML: a start tag that closes an open
// element (HTML standard, "in body" insertion mode) meets that element open above it. The checks
// err one way only: a tree that would parse back may be taken for one that would not (its HTML is
// then converted, as before), never the other way round.
const CLOSES_P = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'center',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'header',
  'hgroup',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'search',
  'section',
  'summary',
  'ul',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'listing',
  'form',
  'plaintext',
  'xmp',
  'hr',
  'li',
  'dd',
  'dt',
]);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Special elements (HTML standard) that end the search for an open `li`, `dd` or `dt`. */
const SPECIAL = new Set([
  'applet',
  'area',
  'article',
  'aside',
  'base',
  'basefont',
  'bgsound',
  'blockquote',
  'body',
  'br',
  'button',
  'caption',
  'center',
  'col',
  'colgroup',
  'dd',
  'details',
  'dir',
  'dl',
  'dt',
  'embed',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'form',
  'frame',
  'frameset',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'head',
  'header',
  'hgroup',
  'hr',
  'html',
  'iframe',
  'img',
  'input',
  'keygen',
  'li',
  'link',
  'listing',
  'main',
  'marquee',
  'menu',
  'meta',
  'nav',
  'noembed',
  'noframes',
  'noscript',
  'object',
  'ol',
  'param',
  'plaintext',
  'pre',
  'script',
  'search',
  'section',
  'select',
  'source',
  'style',
  'summary',
  'table',
  'tbody',
  'td',
  'template',
  'textarea',
  'tfoot',
  'th',
  'thead',
  'title',
  'tr',
  'track',
  'ul',
  'wbr',
  'xmp',
]);
const LIST_ITEMS: Record<string, ReadonlySet<string>> = {
  li: new Set(['li']),
  dd: new Set(['dd', 'dt']),
  dt: new Set(['dd', 'dt']),
};

export function reparsesElsewhere(name: string, parent: DomNode): boolean {
  if (HEADINGS.has(name) && isHtml(parent) && HEADINGS.has(parent.localName)) return true;
  if ((name === 'option' || name === 'optgroup') && isHtml(parent) && parent.localName === 'option') return true;
  if ((name === 'a' || name === 'nobr' || name === 'button') && openAbove(parent, name)) return true;
  if (CLOSES_P.has(name) && openAbove(parent, 'p')) return true;
  const items = LIST_ITEMS[name];
  return items !== undefined && listItemOpen(parent, items);
}

function isHtml(node: DomNode): boolean {
  return node.nodeType === ELEMENT && node.isIn('html');
}

/** An HTML element named `name` is open at `parent` or above. */
function openAbove(parent: DomNode, name: string): boolean {
  for (let node: DomNode | null = parent; node; node = node.parentNode)
    if (node.localName === name && node.isIn('html')) return true;
  return false;
}

/** One of `items` is open above, before a special element (other than address, div, p) ends the search. */
function listItemOpen(parent: DomNode, items: ReadonlySet<string>): boolean {
  for (let node: DomNode | null = parent; node; node = node.parentNode) {
    if (!node.isIn('html')) continue;
    if (items.has(node.localName)) return true;
    if (
      SPECIAL.has(node.localName) &&
      node.localName !== 'address' &&
      node.localName !== 'div' &&
      node.localName !== 'p'
    )
      return false;
  }
  return false;
}
