/**
 * Fatal conditions, named by what the caller should do. A page that fails is
 * never one of these: it becomes an entry in the sync report.
 */
export class CabsyncError extends Error {
  constructor(
    message: string,
    /** The process exit code this error maps to. */
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A flag, argument or configuration value is wrong. Exit 2. */
export class UsageError extends CabsyncError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Another sync holds the archive lock. Exit 3. */
export class LockHeldError extends CabsyncError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** Writing to the archive failed (disk full, permission denied): the sync stops. Exit 1. */
export class WriteError extends CabsyncError {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot write ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, 1);
  }
}
