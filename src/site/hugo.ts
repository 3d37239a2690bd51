/**
 * Hugo's rules for turning a title into a URL path, ported from gohugoio/hugo `helpers/path.go`
 * (`UnicodeSanitize`, `MakePathSanitized`, `URLize`) and the `/:year/:month/:day/:title/`
 * permalink the site configures. Checked against a real Hugo 0.111 build in `fixtures/hugo/`.
 */

/** Characters `UnicodeSanitize` keeps besides letters, digits and marks. */
const KEPT = new Set(['.', '/', '\\', '_', '#', '+', '~', '-']);
const LETTER_DIGIT_MARK = /[\p{L}\p{Nd}\p{M}]/u;
const HEX = /^[0-9a-f]$/i;
// Go's unicode.IsSpace.
const SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

/**
 * Hugo's `urlize` of a title, decoded (non-ASCII letters as letters): spaces become one `-`, `/`
 * and `.` stay, most other punctuation is dropped, letters are lower-cased.
 *
 * @example urlize('Minutes of the S/MIME Working Group') // 'minutes-of-the-s/mime-working-group'
 * @example urlize('F2F Meeting – Zürich') // 'f2f-meeting-zürich'
 */
export function urlize(title: string): string {
  const source = [...title];
  let out = '';
  let prependHyphen = false;
  let wasHyphen = false;
  source.forEach((char, i) => {
    const allowed =
      KEPT.has(char) ||
      LETTER_DIGIT_MARK.test(char) ||
      (char === '%' && HEX.test(source[i + 1] ?? '') && HEX.test(source[i + 2] ?? ''));
    if (allowed) {
      wasHyphen = char === '-';
      if (prependHyphen && !wasHyphen) out += '-';
      prependHyphen = false;
      out += char;
    } else if (out !== '' && SPACE.test(char) && !wasHyphen) {
      prependHyphen = true;
    }
  });
  return out.toLowerCase();
}

/**
 * The post's permalink path, decoded: `/:year/:month/:day/:title/`. Hugo prints the year without
 * padding, so a post whose date it cannot read lands at `/1/01/01/<title>/`.
 *
 * @example permalinkPath('2023-05-11', 'Minutes of the S/MIME Working Group') // '/2023/05/11/minutes-of-the-s/mime-working-group/'
 */
export function permalinkPath(day: string, title: string): string {
  const [year = '1', month = '01', date = '01'] = day.split('-');
  return `/${Number(year)}/${month}/${date}/${urlize(title)}/`;
}

/**
 * The flat slug of the site's older URL scheme and of archive file names: accents folded,
 * lower-case, every run of non-alphanumerics one `-`. Untruncated; may be empty.
 */
export function flatSlug(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
