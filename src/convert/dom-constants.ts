// DOM node types and the HTML namespace, as the DOM view of a body (src/convert/dom.ts) reports them.
export const ELEMENT = 1;
export const TEXT = 3;
export const COMMENT = 8;
export const HTML_NS = 'http://www.w3.org/1999/xhtml';
