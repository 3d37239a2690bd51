// The shape of a site conversion rule (rules.ts lists them, with footnote-rules.ts and
// table-rules.ts), and the small helpers more than one group of rules uses.
import type { DomNode } from './dom.js';

/** Per-conversion facts the rules need. */
export interface RuleContext {
  /** Page URL that relative links and images resolve against. */
  baseUrl: string;
}

/** One custom rule: which elements, what Markdown, and why it differs from turndown's default. */
export interface SiteRule {
  key: string;
  filter: (node: DomNode) => boolean;
  replacement: (content: string, node: DomNode, context: RuleContext) => string;
  why: string;
}

export const is =
  (...names: string[]) =>
  (node: DomNode): boolean =>
    names.includes(node.nodeName);
export const hasClass = (node: DomNode | null | undefined, name: string): boolean =>
  (node?.getAttribute('class') ?? '').split(/\s+/).includes(name);
export const indent = (text: string, width: number): string => text.replace(/\n(?=[^\n])/g, `\n${' '.repeat(width)}`);
