// The DOM turndown walks (built from the parsed body by view.ts): the page is parsed once, by the
// extractor, and never serialized and parsed again for conversion. Only what turndown, its GFM
// plugin and the site rules use is here, and it answers as the DOM turndown used to build (domino)
// answered: that keeps the archive's Markdown byte for byte what it was.
import { COMMENT, ELEMENT, HTML_NS, TEXT } from './dom-constants.js';
import { descendants, typeSelector } from './dom-query.js';
import { reflectedType } from './dom-type.js';
import { serialize } from './serialize.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const MATHML_NS = 'http://www.w3.org/1998/Math/MathML';

const NAMESPACES = { html: HTML_NS, svg: SVG_NS, mathml: MATHML_NS } as const;

/** A node of the view: element, text or comment, with the DOM members the conversion reads. */
export class DomNode {
  parentNode: DomNode | null = null;
  firstChild: DomNode | null = null;
  lastChild: DomNode | null = null;
  previousSibling: DomNode | null = null;
  nextSibling: DomNode | null = null;
  // Set by turndown on every node it visits.
  isBlock = false;
  isCode = false;
  isBlank = false;
  flankingWhitespace: { leading: string; trailing: string } | undefined = undefined;
  private text: string | undefined;
  private childList: DomNode[] | undefined;
  private elementList: DomNode[] | undefined;
  private ownAttributes = false;

  private constructor(
    readonly nodeType: number,
    /** Upper-case for HTML elements, as written for SVG and MathML ones; `#text`, `#comment`. */
    readonly nodeName: string,
    /** Lower-case tag name (HTML) or the name as written (SVG, MathML); empty for text and comments. */
    readonly localName: string,
    private readonly namespace: string,
    private data_: string,
    private attribs: Record<string, string>,
  ) {}

  static element(name: string, namespace: string, attribs: Record<string, string>): DomNode {
    const html = namespace === HTML_NS;
    return new DomNode(ELEMENT, html ? asciiUpperCase(name) : name, name, namespace, '', attribs);
  }

  static text(data: string): DomNode {
    return new DomNode(TEXT, '#text', '', '', data, {});
  }

  static comment(data: string): DomNode {
    return new DomNode(COMMENT, '#comment', '', '', data, {});
  }

  get data(): string {
    return this.data_;
  }

  set data(value: string) {
    this.data_ = value;
    this.changed();
  }

  get nodeValue(): string | null {
    return this.nodeType === ELEMENT ? null : this.data_;
  }

  /** Text of the node and its descendants (comments left out); kept until the subtree changes. */
  get textContent(): string {
    if (this.nodeType !== ELEMENT) return this.data_;
    if (this.text === undefined) {
      let text = '';
      for (let child = this.firstChild; child; child = child.nextSibling)
        if (child.nodeType !== COMMENT) text += child.textContent;
      this.text = text;
    }
    return this.text;
  }

  get childNodes(): readonly DomNode[] {
    if (this.childList === undefined) {
      this.childList = [];
      for (let child = this.firstChild; child; child = child.nextSibling) this.childList.push(child);
    }
    return this.childList;
  }

  /** Element children only. */
  get children(): readonly DomNode[] {
    this.elementList ??= this.childNodes.filter((child) => child.nodeType === ELEMENT);
    return this.elementList;
  }

  get lastElementChild(): DomNode | null {
    const children = this.children;
    return children[children.length - 1] ?? null;
  }

  get attributes(): readonly { name: string; value: string }[] {
    return Object.keys(this.attribs).map((name) => ({ name, value: this.attribs[name]! }));
  }

  getAttribute(name: string): string | null {
    return Object.hasOwn(this.attribs, name) ? this.attribs[name]! : null;
  }

  hasAttribute(name: string): boolean {
    return Object.hasOwn(this.attribs, name);
  }

  // Attributes are the parsed tree's until one changes: then this node gets its own copy.
  setAttribute(name: string, value: string): void {
    this.ownAttribs()[name] = value;
  }

  removeAttribute(name: string): void {
    if (this.hasAttribute(name)) delete this.ownAttribs()[name];
  }

  get className(): string {
    return this.getAttribute('class') ?? '';
  }

  get classList(): { contains(name: string): boolean } {
    const names = this.className.split(/[\t\n\f\r ]+/);
    return { contains: (name) => names.includes(name) };
  }

  /** The `type` property as the old DOM reflected it (task list checkboxes are found by it). */
  get type(): string | undefined {
    return reflectedType(this.localName, this.getAttribute('type'));
  }

  get checked(): boolean {
    return this.hasAttribute('checked');
  }

  /** Only `text-align`, the one declaration the GFM plugin reads. */
  get style(): { textAlign: string } {
    const declarations = [...(this.getAttribute('style') ?? '').matchAll(/(?:^|;)\s*text-align\s*:\s*([^;]*)/gi)];
    return { textAlign: declarations.at(-1)?.[1]?.trim() ?? '' };
  }

  /** Every `tr` below a table, nested tables' too (as the old DOM counted them). */
  get rows(): DomNode[] | undefined {
    return this.nodeName === 'TABLE' ? this.getElementsByTagName('tr') : undefined;
  }

  /** Descendant elements named `name` (compared lower-cased for HTML elements, as written otherwise). */
  getElementsByTagName(name: string): DomNode[] {
    const lower = name.toLowerCase();
    return descendants(this, (element) => element.localName === (element.namespace === HTML_NS ? lower : name));
  }

  /** Only type selectors (`code`, `tr`) and `*`: nothing else is needed, so nothing else is parsed. */
  querySelectorAll(selector: string): DomNode[] {
    return descendants(this, typeSelector(selector));
  }

  querySelector(selector: string): DomNode | null {
    return descendants(this, typeSelector(selector), 1)[0] ?? null;
  }

  removeChild(child: DomNode): DomNode {
    const { previousSibling: before, nextSibling: after } = child;
    if (before) before.nextSibling = after;
    else this.firstChild = after;
    if (after) after.previousSibling = before;
    else this.lastChild = before;
    child.parentNode = child.previousSibling = child.nextSibling = null;
    this.changed();
    return child;
  }

  remove(): void {
    this.parentNode?.removeChild(this);
  }

  appendChild(child: DomNode): DomNode {
    child.parentNode = this;
    child.previousSibling = this.lastChild;
    if (this.lastChild) this.lastChild.nextSibling = child;
    else this.firstChild = child;
    this.lastChild = child;
    this.changed();
    return child;
  }

  insertBefore(child: DomNode, reference: DomNode): DomNode {
    const before = reference.previousSibling;
    child.parentNode = this;
    child.previousSibling = before;
    child.nextSibling = reference;
    reference.previousSibling = child;
    if (before) before.nextSibling = child;
    else this.firstChild = child;
    this.changed();
    return child;
  }

  /** The node as HTML, serialized as the old DOM serialized it (turndown keeps some tables as HTML). */
  get outerHTML(): string {
    return serialize(this);
  }

  private ownAttribs(): Record<string, string> {
    if (!this.ownAttributes) {
      this.attribs = { ...this.attribs };
      this.ownAttributes = true;
    }
    return this.attribs;
  }

  /** Drops what was derived from the subtree, here and above (a cached text's subtree is all cached). */
  private changed(): void {
    this.childList = this.elementList = undefined;
    const from = this.nodeType === ELEMENT ? this : this.parentNode;
    for (let node = from; node && node.text !== undefined; node = node.parentNode) node.text = undefined;
  }

  /** @internal The namespace test the serializer needs. */
  isIn(namespace: keyof typeof NAMESPACES): boolean {
    return this.namespace === NAMESPACES[namespace];
  }
}

function asciiUpperCase(name: string): string {
  return /^[\x00-\x7f]*$/.test(name) ? name.toUpperCase() : name.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}
