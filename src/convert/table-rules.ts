// The site rules for tables: pipe tables where the table allows one, clean HTML where it does not.
import { REMOVED_ELEMENTS } from './prepare.js';
import type { SiteRule } from './site-rule.js';
import {
  canBePipeTable,
  cleanTableHtml,
  delimiterRow,
  emptyHeading,
  firstCell,
  inTable,
  isHeadingRow,
} from './tables.js';

/** The GFM plugin's table rules, replaced (see SITE_RULES for the order). */
export const TABLE_RULES: readonly SiteRule[] = [
  {
    key: 'pipeTable',
    filter: (node) => {
      return node.nodeName === 'TABLE' && firstCell(node) !== undefined;
    },
    replacement: (content, node) => {
      const rows = content.replace(/\n+/g, '\n').trim();
      const caption = node.querySelector('caption')?.textContent?.trim();
      const heading = /^\|[^\n]*\n\| :?---/.test(rows) ? '' : `${emptyHeading(node)}\n`;
      return `\n\n${caption ? `${caption}\n\n` : ''}${heading}${rows}\n\n`;
    },
    why: "the GFM plugin's table rule, in one pass over the rows",
  },
  {
    key: 'tableRow',
    filter: (node) => node.nodeName.toUpperCase() === 'TR',
    replacement: (content, node) =>
      inTable(node) ? `\n${content}${isHeadingRow(node) ? `\n${delimiterRow(node)}` : ''}` : content,
    why: "the GFM plugin's row rule, without rescanning every row for every column; a row outside a table (SVG, MathML) is its text",
  },
  {
    key: 'htmlTable',
    filter: (node) => node.nodeName === 'TABLE' && !canBePipeTable(node),
    replacement: (_content, node, context) => `\n\n${cleanTableHtml(node, context.baseUrl, REMOVED_ELEMENTS)}\n\n`,
    why: 'a table with block content or spans cannot be a pipe table: kept as clean HTML rather than mangled',
  },
  {
    key: 'tableCell',
    filter: (node) => ['TH', 'TD'].includes(node.nodeName.toUpperCase()),
    replacement: (content, node) => {
      if (!inTable(node)) return content;
      const index = Array.prototype.indexOf.call(node.parentNode?.children ?? [], node);
      const text = content
        .trim()
        .replace(/[ \t]*\\?\n[ \t]*/g, '<br>')
        .replace(/\|/g, '\\|');
      return `${index === 0 ? '| ' : ' '}${text} |`;
    },
    why: 'every `|` escaped (the plugin collapses `||` to one) and line breaks as <br> without trailing spaces; a table of one cell stays a table',
  },
];
