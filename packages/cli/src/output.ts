import { FerryError, UsageError, errorMessage } from '@ferry/core';

/** Thrown for a wrong command line (by Ferry's commands and providers' alike): exit code 2, as most Unix tools do. */
export { UsageError };

/** Set when `--verbose` is on: errors then carry their stack. */
export const outputSettings = { verbose: false };

export function printError(err: unknown): void {
  const line = errorMessage(err).split('\n')[0];
  process.stderr.write(`ferry: ${line}\n`);
  if (outputSettings.verbose && err instanceof Error && err.stack) {
    process.stderr.write(`${err.stack}\n`);
    if (err.cause instanceof Error && err.cause.stack) process.stderr.write(`caused by: ${err.cause.stack}\n`);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return 2;
  if (err instanceof FerryError) return 1;
  return 1;
}
