/**
 * Errors that carry a one-line, user-facing message. The CLI prints `message` alone (no stack)
 * and maps `kind` to an exit code; anything else reaching the CLI is a bug and is reported as such.
 */
export type ErrorKind = 'usage' | 'input' | 'io' | 'processing';

export class DubstageError extends Error {
  readonly kind: ErrorKind;
  readonly file: string | null;

  constructor(kind: ErrorKind, message: string, file: string | null = null, options?: { cause?: unknown }) {
    super(file === null ? message : `${file}: ${message}`, options);
    this.name = 'DubstageError';
    this.kind = kind;
    this.file = file;
  }
}

/** A file that cannot be read as what it claims to be (truncated, corrupt, unsupported). */
export class MediaFormatError extends DubstageError {
  constructor(file: string, message: string) {
    super('input', message, file);
    this.name = 'MediaFormatError';
  }
}

export class UsageError extends DubstageError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}
