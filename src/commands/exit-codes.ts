/** Exit codes shared by every command; cron users read these. */
export const ExitCode = {
  Ok: 0,
  /** Some URLs failed (everything else was written), or verify found problems. */
  Failed: 1,
  /** Usage or configuration error. */
  Usage: 2,
  /** Another sync holds the archive's lock. */
  Locked: 3,
} as const;
