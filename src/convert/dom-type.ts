// The `type` property of the DOM view (dom.ts), reflected as the DOM turndown used to build
// (domino) reflected it: the GFM plugin finds task list checkboxes by it.

/** How `type` read on the old DOM: enumerated for these (lower-cased when valid, else the default)… */
const ENUMERATED_TYPE: Record<string, { valid: readonly string[]; missing: string }> = {
  input: {
    valid: `text hidden search tel url email password datetime date month week time datetime-local
      number range color checkbox radio file submit image reset button`.split(/\s+/),
    missing: 'text',
  },
  menuitem: { valid: ['command', 'checkbox', 'radio'], missing: 'command' },
};
/** …and the attribute as written for these. */
const STRING_TYPE = new Set('a area embed li link object ol output param progress script source style ul'.split(' '));

/** The `type` of an element named `localName` whose `type` attribute is `value` (null: none). */
export function reflectedType(localName: string, value: string | null): string | undefined {
  const enumerated = ENUMERATED_TYPE[localName];
  if (enumerated)
    return value === null
      ? enumerated.missing
      : (enumerated.valid.find((valid) => valid === value.toLowerCase()) ?? enumerated.missing);
  return STRING_TYPE.has(localName) ? (value ?? '') : undefined;
}
