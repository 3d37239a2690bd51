/**
 * Text for a terminal, a commit message or a job summary: control characters other than newline and
 * tab (an ESC or BEL in a post title would drive the reader's terminal) are shown as `\x1b`-style escapes.
 */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** {@link printable} over every string in a JSON-like value (a report, a diff view). */
export function printableDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) => (typeof v === 'string' ? printable(v) : v)) as T;
}
