// Dates as the archive writes them: `YYYY-MM-DD HH:MM:SS`, UTC.

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;
const RFC_2822 =
  /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}:\d{2}(?::\d{2})?)\s*([+-]\d{4}|GMT|UTC|UT|Z)?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Converts an ISO 8601 or RFC 2822 (feed `pubDate`) date to `YYYY-MM-DD HH:MM:SS` in UTC.
 * A date without a zone is taken as UTC; anything else (or an impossible date) is undefined.
 */
export function toArchiveDate(value: string): string | undefined {
  const text = value.trim();
  const iso = ISO.exec(text) ?? ISO.exec(rfc2822AsIso(text) ?? '');
  let ms: number;
  if (iso) {
    const [, day = '', time = '00:00:00', zone = 'Z'] = iso;
    ms = Date.parse(
      `${day}T${time.length === 5 ? `${time}:00` : time}${zone.length === 5 && zone !== 'Z' ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`,
    );
    if (!dayExists(day)) return undefined;
  } else {
    return undefined;
  }
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

// Date.parse reads an RFC 2822 year 0001 as 2001 (Hugo's zero date is in feeds): parsed by hand.
function rfc2822AsIso(text: string): string | undefined {
  const match = RFC_2822.exec(text);
  if (!match) return undefined;
  const [, day = '', monthName = '', year = '', time = '', zone = 'Z'] = match;
  const month = MONTHS.indexOf(monthName.toLowerCase()) + 1;
  if (month === 0) return undefined;
  const offset = /^[+-]\d{4}$/.test(zone) ? zone : 'Z';
  return `${year}-${String(month).padStart(2, '0')}-${day.padStart(2, '0')}T${time}${offset}`;
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
