// Dates as the archive writes them: `YYYY-MM-DD HH:MM:SS`, UTC.

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const RFC_2822 = /^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|GMT|UTC|UT|Z)?$/;
const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Converts an ISO 8601 or RFC 2822 (feed `pubDate`) date to `YYYY-MM-DD HH:MM:SS` in UTC.
 * A date without a zone is taken as UTC; anything else (or an impossible date) is undefined.
 */
export function toArchiveDate(value: string): string | undefined {
  const text = value.trim();
  const iso = ISO.exec(text);
  let ms: number;
  if (iso) {
    const [, day = '', time = '00:00:00', zone = 'Z'] = iso;
    ms = Date.parse(`${day}T${time.length === 5 ? `${time}:00` : time}${zone.length === 5 && zone !== 'Z' ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
    if (!dayExists(day)) return undefined;
  } else if (RFC_2822.test(text)) {
    ms = Date.parse(text);
  } else {
    return undefined;
  }
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

// Date.parse rolls 2022-02-30 over to March 2: reject days that do not exist.
function dayExists(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

/** True for a date without a time (`2022-11-03`), as a listing entry gives it. */
export function isDayOnly(value: string): boolean {
  return DAY_ONLY.test(value.trim());
}
