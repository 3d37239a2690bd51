import { compile, selectAll, selectOne } from 'css-select';
import type { AnyNode, Element } from 'domhandler';

/**
 * A CSS selector compiled once, on first use. `$(selector)` and `.find(selector)` parse and
 * compile the selector on every call, which cost more than the queries themselves on every page;
 * compiling at load would cost every process that never extracts a page.
 */
export interface Query {
  selector: string;
  /** Same elements, same order as cheerio's `.find(selector)`, but see {@link queryAll}. */
  readonly test: (element: Element) => boolean;
  /** True when the selector has a combinator outside `:has()`: its match can depend on ancestors. */
  looksUp: boolean;
  /** True when the selector has a `:has()`: its match can change when a descendant is removed. */
  looksDown: boolean;
  /** The tag names its matches can have, when every part of the selector names one (`h1`, `div.x`); else any. */
  tags?: ReadonlySet<string>;
}

// A combinator outside parentheses: ` `, `>`, `+`, `~` between compounds (a `,` list is not one).
const COMBINATOR = /[\s>+~]/;

/** A query for `selector` (css-select, the engine cheerio uses, with cheerio's HTML options), compiled when first tested. */
export function compileQuery(selector: string): Query {
  let compiled: Query['test'] | undefined;
  return {
    selector,
    // The compiled function itself (not a wrapper): css-select reads properties it carries.
    get test() {
      return (compiled ??= compile<AnyNode, Element>(selector, { xmlMode: false }));
    },
    looksUp: outline(selector)
      .split(',')
      .some((part) => COMBINATOR.test(part.trim())),
    looksDown: /:has\(/i.test(selector),
    ...subjectTags(selector),
  };
}

// The tag name that starts the last compound of one part of an outline (`div > p.x` → `p`).
const SUBJECT_TAG = /(?:^|[\s>+~])([a-z][a-z0-9-]*)[^\s>+~]*$/i;

/** `{ tags }` when every comma part's subject names its tag: other elements need no test at all. */
function subjectTags(selector: string): { tags: ReadonlySet<string> } | undefined {
  const names = outline(selector)
    .split(',')
    // A namespace (`svg|a`) or a camel-cased SVG name would not compare as written: no filter then.
    .map((part) => (/[|]/.test(part) ? undefined : SUBJECT_TAG.exec(part.trim())?.[1]))
    .map((name) => (name !== undefined && name === name.toLowerCase() ? name : undefined));
  return names.every((name) => name !== undefined) ? { tags: new Set(names) } : undefined;
}

// The selector without quoted strings and the insides of `[…]` and `(…)`: what is left is compounds and combinators.
function outline(selector: string): string {
  let text = selector.replace(/"[^"]*"|'[^']*'/g, '""').replace(/\[[^\]]*\]/g, '[]');
  for (let inner = text.replace(/\([^()]*\)/g, ''); inner !== text; inner = text.replace(/\([^()]*\)/g, ''))
    text = inner;
  return text;
}

/**
 * Elements below `root` (not `root` itself) that match, in document order. Exactly cheerio's
 * `$(root).find(selector)` when `root` is the document, is detached, or the selector does not look
 * up: cheerio scopes a query on an attached element (`:scope` semantics), so there a selector that
 * looks up must go through cheerio.
 */
export function queryAll(query: Query, root: AnyNode): Element[] {
  return selectAll(query.test, root);
}

/** {@link queryAll} for several queries in one walk over `root`: each query's elements, in document order. */
export function queryEach(queries: readonly Query[], root: AnyNode): Map<Query, Element[]> {
  const found = new Map<Query, Element[]>(queries.map((query) => [query, []]));
  selectAll((element: Element) => {
    for (const query of queries) {
      if ((query.tags === undefined || query.tags.has(element.name)) && query.test(element))
        found.get(query)!.push(element);
    }
    return false;
  }, root);
  return found;
}

/** The first element {@link queryAll} would give, or undefined. */
export function queryOne(query: Query, root: AnyNode): Element | undefined {
  return selectOne(query.test, root) ?? undefined;
}

const ELEMENT_TYPES = new Set<string>(['tag', 'script', 'style']);

/** True when cheerio would scope a query on `root`: an element attached under another element. */
export function isScoped(root: AnyNode): boolean {
  return root.parent !== null && ELEMENT_TYPES.has(root.type) && ELEMENT_TYPES.has(root.parent.type);
}
