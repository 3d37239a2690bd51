// The site rules that turn goldmark's rendered footnotes back into Markdown footnotes.
import { hasClass, indent, type SiteRule } from './site-rule.js';

const footnoteLabel = (href: string | null, prefix: string): string => (href ?? '').replace(prefix, '');

/** Footnote references, definitions, and the rendering around them (see SITE_RULES for the order). */
export const FOOTNOTE_RULES: readonly SiteRule[] = [
  {
    key: 'footnoteReference',
    filter: (node) => node.nodeName === 'SUP' && hasClass(node.querySelector('a'), 'footnote-ref'),
    replacement: (_content, node) =>
      `[^${footnoteLabel(node.querySelector('a')?.getAttribute('href') ?? null, '#fn:')}]`,
    why: 'goldmark footnote reference back to `[^n]`',
  },
  {
    key: 'footnoteBackReference',
    filter: (node) =>
      node.nodeName === 'A' && (hasClass(node, 'footnote-backref') || node.getAttribute('role') === 'doc-backlink'),
    replacement: () => '',
    why: 'the ↩ link is rendering, not text',
  },
  {
    key: 'footnoteSeparator',
    filter: (node) => node.nodeName === 'HR' && hasClass(node.parentNode, 'footnotes'),
    replacement: () => '',
    why: 'goldmark draws a rule above the footnotes',
  },
  {
    key: 'footnoteDefinition',
    filter: (node) => node.nodeName === 'LI' && (node.getAttribute('id') ?? '').startsWith('fn:'),
    replacement: (content, node) => {
      const text = content.replace(/^\n+/, '').replace(/[\s\u00a0]+$/, '');
      return `\n\n[^${footnoteLabel(node.getAttribute('id'), 'fn:')}]: ${indent(text, 4)}\n\n`;
    },
    why: 'goldmark footnote list back to `[^n]: text` definitions',
  },
];
