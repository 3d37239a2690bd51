/**
 * Archive dates are `YYYY-MM-DD HH:MM:SS` in UTC. Older files may carry just a
 * day, or an ISO string with an offset; all of them must name a real instant.
 */
export function parseArchiveDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone = 'Z'] = match;
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return undefined;
  // Date rolls 2022-02-30 over to March; a date that does not read back the same is invalid.
  if (zone === 'Z' && date.toISOString().slice(0, 10) !== `${y}-${mo}-${d}`) return undefined;
  return date;
}

/** Formats an instant the archive's way: `YYYY-MM-DD HH:MM:SS` UTC. */
export function formatArchiveDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
