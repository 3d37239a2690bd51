// The inner and outer HTML of a DOM view node (src/convert/dom.ts), written as domino, the parser
// turndown used to bring, wrote it: the Markdown of a body must not change with the parser under it.
import { COMMENT, TEXT } from './dom-constants.js';
import type { DomNode } from './dom.js';

// Serialization, as domino's NodeUtils.serializeOne writes it.
const VOID_ELEMENTS = new Set([
  'area',
  'base',
  'basefont',
  'bgsound',
  'br',
  'col',
  'embed',
  'frame',
  'hr',
  'img',
  'input',
  'keygen',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
const RAW_TEXT_ELEMENTS = new Set(['STYLE', 'SCRIPT', 'XMP', 'IFRAME', 'NOEMBED', 'NOFRAMES', 'PLAINTEXT']);
const TEXT_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\u00a0': '&nbsp;',
};

export function serialize(node: DomNode): string {
  if (node.nodeType === TEXT) {
    const parent = node.parentNode;
    const raw = parent?.isIn('html') && (RAW_TEXT_ELEMENTS.has(parent.nodeName) || parent.nodeName === 'NOSCRIPT');
    return raw ? node.data : node.data.replace(/[&<>\u00a0]/g, (c) => TEXT_ESCAPES[c]!);
  }
  if (node.nodeType === COMMENT) return `<!--${node.data.replace(/(--!?)>/g, '$1&gt;')}-->`;
  const name = node.localName;
  let html = `<${name}`;
  for (const { name: attribute, value } of node.attributes)
    html += ` ${attribute}="${value.replace(/[&"<>\u00a0]/g, (c) => TEXT_ESCAPES[c]!)}"`;
  html += '>';
  if (node.isIn('html') && VOID_ELEMENTS.has(name)) return html;
  let inner = '';
  for (let child = node.firstChild; child; child = child.nextSibling) inner += serialize(child);
  if (RAW_TEXT_ELEMENTS.has(name.toUpperCase())) inner = escapeClosingTag(inner, name);
  return `${html}${inner}</${name}>`;
}

function escapeClosingTag(raw: string, name: string): string {
  const closing = `</${name}`;
  if (!raw.toLowerCase().includes(closing)) return raw;
  const chars = [...raw];
  for (const match of raw.matchAll(new RegExp(closing, 'ig'))) chars[match.index] = '&lt;';
  return chars.join('');
}
