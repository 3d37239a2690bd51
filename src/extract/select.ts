import { compile, selectAll, selectOne } from 'css-select';
import { parse, type Selector } from 'css-what';
import { hasChildren, type AnyNode, type Element } from 'domhandler';

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
  /**
   * For each comma part, one thing its matches must have (`div.x > p#y` → id `y`); absent when a
   * part needs none (`*`, `:is(…)`). Most elements of a page fail every key: no test is run for them.
   */
  keys?: readonly Key[];
}

/** Something an element must have to match one part of a selector, read from the part's last compound. */
export interface Key {
  kind: 'id' | 'class' | 'attribute' | 'tag';
  name: string;
  /** For an attribute compared with a value (`[href*="/tags/"]`): text its value must hold, in any case. */
  holds?: RegExp;
}

/** A query for `selector` (css-select, the engine cheerio uses, with cheerio's HTML options), compiled when first tested. */
export function compileQuery(selector: string): Query {
  const parts = parse(selector);
  let compiled: Query['test'] | undefined;
  const keys = parts.map(subjectKey);
  return {
    selector,
    // The compiled function itself (not a wrapper): css-select reads properties it carries.
    get test() {
      return (compiled ??= compile<AnyNode, Element>(selector, { xmlMode: false }));
    },
    looksUp: parts.some((part) => part.some((token) => TRAVERSALS.has(token.type))),
    looksDown: parts.some(hasHas),
    ...(keys.every((key) => key !== undefined) ? { keys } : {}),
  };
}

const TRAVERSALS = new Set<string>(['adjacent', 'child', 'descendant', 'parent', 'sibling', 'column-combinator']);

// The most telling key of a part's subject (its last compound), when it names one as HTML spells it.
// Case-insensitive matches (`[x i]`, a camel-cased SVG name, a namespace) would not compare as written: no key.
function subjectKey(part: readonly Selector[]): Key | undefined {
  let start = part.length;
  while (start > 0 && !TRAVERSALS.has(part[start - 1]!.type)) start -= 1;
  const keys = part.slice(start).flatMap((token): Key[] => {
    if (token.type === 'tag')
      return token.namespace === null && token.name === token.name.toLowerCase()
        ? [{ kind: 'tag', name: token.name }]
        : [];
    if (token.type !== 'attribute' || token.namespace !== null || token.ignoreCase === true) return [];
    if (token.name === 'id' && token.action === 'equals') return [{ kind: 'id', name: token.value }];
    if (token.name === 'class' && token.action === 'element') return [{ kind: 'class', name: token.value }];
    // `[x!=v]` matches where there is no `x` at all.
    if (token.name !== token.name.toLowerCase() || (token.action === 'not' && token.value !== '')) return [];
    // Every other comparison needs the value somewhere in the attribute's. Some
    // attributes compare without case in HTML (css-select has the list): any case passes the key.
    const holds = token.action === 'exists' || token.value === '' ? undefined : anyCase(token.value);
    return [{ kind: 'attribute', name: token.name, ...(holds && { holds }) }];
  });
  return keys.sort((a, b) => rank(a) - rank(b))[0];
}

// Rarest first: an id, an attribute value, a class, an attribute, a tag name.
const rank = (key: Key): number => (key.holds ? 0.5 : ['id', 'class', 'attribute', 'tag'].indexOf(key.kind));

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const anyCase = (text: string): RegExp => new RegExp(escapeRegExp(text), 'i');

function hasHas(part: readonly Selector[]): boolean {
  return part.some(
    (token) =>
      token.type === 'pseudo' && (token.name === 'has' || (Array.isArray(token.data) && token.data.some(hasHas))),
  );
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
  const lists = queries.map((): Element[] => []);
  const index = keyIndex(queries);
  // Which element each query was last tested on: an element with two of a query's keys is tested once.
  const testedOn = new Array<Element | undefined>(queries.length);
  const test = (element: Element, candidates: readonly number[] | undefined): void => {
    if (candidates === undefined) return;
    for (const at of candidates) {
      if (testedOn[at] === element) continue;
      testedOn[at] = element;
      if (queries[at]!.test(element)) lists[at]!.push(element);
    }
  };
  eachElementBelow(root, (element) => {
    const { attribs } = element;
    if (index.always.length > 0) test(element, index.always);
    test(element, index.tag.get(element.name));
    if (attribs.id !== undefined) test(element, index.id.get(attribs.id));
    // A substring is enough to be tested: the query's own test checks the whole class name.
    if (attribs.class !== undefined && index.anyClass.test(attribs.class))
      for (const { name, candidates } of index.classes) if (attribs.class.includes(name)) test(element, candidates);
    for (const { name, holds, candidates } of index.attributes)
      if (Object.hasOwn(attribs, name) && (holds === undefined || holds.test(attribs[name]!)))
        test(element, candidates);
  });
  return new Map(queries.map((query, at) => [query, lists[at]!]));
}

/** For each kind of key, which queries (by position) need it; `always`, those with no keys. */
interface KeyIndex {
  always: number[];
  tag: Map<string, number[]>;
  id: Map<string, number[]>;
  // Looked for one by one (a substring, an own property): lists, not maps.
  classes: { name: string; candidates: number[] }[];
  /** Any of the class names, in one pattern: most class attributes hold none. */
  anyClass: RegExp;
  attributes: { name: string; holds?: RegExp; candidates: number[] }[];
}

// Query lists are the tables' constants: indexed once per list.
const KEY_INDEXES = new WeakMap<readonly Query[], KeyIndex>();

function keyIndex(queries: readonly Query[]): KeyIndex {
  const known = KEY_INDEXES.get(queries);
  if (known !== undefined) return known;
  const always: number[] = [];
  const byName = {
    tag: new Map<string, number[]>(),
    id: new Map<string, number[]>(),
    class: new Map<string, number[]>(),
  };
  const attributes = new Map<string, KeyIndex['attributes'][number]>();
  const add = (list: number[], at: number): void => {
    if (!list.includes(at)) list.push(at);
  };
  for (const [at, query] of queries.entries()) {
    if (query.keys === undefined) always.push(at);
    for (const { kind, name, holds } of query.keys ?? []) {
      if (kind !== 'attribute') {
        const map = byName[kind];
        add(map.get(name) ?? map.set(name, []).get(name)!, at);
        continue;
      }
      const id = `${name} ${holds?.source ?? ''}`;
      if (!attributes.has(id)) attributes.set(id, { name, ...(holds && { holds }), candidates: [] });
      add(attributes.get(id)!.candidates, at);
    }
  }
  const classes = [...byName.class].map(([name, candidates]) => ({ name, candidates }));
  const index: KeyIndex = {
    always,
    tag: byName.tag,
    id: byName.id,
    classes,
    anyClass: new RegExp(classes.map(({ name }) => escapeRegExp(name)).join('|') || '(?!)'),
    attributes: [...attributes.values()],
  };
  KEY_INDEXES.set(queries, index);
  return index;
}

// The walk of css-select's selectAll (domutils' findAll), without its array shifts: every element
// below `root` in document order, into anything with children (a template's content too). Node types
// are compared directly: domhandler's `hasChildren` and `isTag` cost more than the walk itself.
function eachElementBelow(root: AnyNode, visit: (element: Element) => void): void {
  if (!hasChildren(root)) return;
  const stack: { nodes: readonly AnyNode[]; index: number }[] = [{ nodes: root.children, index: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const node = frame.nodes[frame.index++];
    if (node === undefined) {
      stack.pop();
      continue;
    }
    if (node.type === 'text' || node.type === 'comment' || node.type === 'directive') continue;
    if (node.type === 'tag' || node.type === 'script' || node.type === 'style') visit(node);
    if (node.children.length > 0) stack.push({ nodes: node.children, index: 0 });
  }
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
