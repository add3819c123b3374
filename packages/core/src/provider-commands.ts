import type { Location } from './provider.js';
import type { RunSummary } from './orchestration/summary.js';

/**
 * What a provider offers beyond reading and writing files, declared as data beside its factory
 * (rclone's backend commands and `Features.Command` are the model): login flows, commands, and
 * links it opens where a path is expected. A host (the CLI) lists and runs them without knowing
 * any provider by name, and generates their help from these declarations.
 */

/** A wrong command line given to a provider's command: the host answers as for its own (exit 2). */
export class UsageError extends Error {}

/**
 * One flag as written on the command line: `--app <app>` takes a value, `--delete-files` is a
 * switch. A command or flow reads it by its long name without dashes (`delete-files`).
 */
export interface CommandFlag {
  flag: string;
  description: string;
}

/** What a login flow tells the user while it runs: the host draws QR codes and prints the lines. */
export type LoginEvent =
  | { kind: 'notice'; text: string }
  | { kind: 'status'; text: string }
  /** A QR code to scan; `fresh` when it replaces one that expired. */
  | { kind: 'qr'; content: string; fresh?: boolean };

export interface LoginRun {
  remote: string;
  /** The remote's options as configured now (type left out), or undefined for a new remote. */
  saved: Record<string, unknown> | undefined;
  /** The flow's own flags by long name; undefined when not given. */
  flags: Readonly<Record<string, string | undefined>>;
  /** How often to ask the service whether the code was scanned. */
  pollMs: number;
  emit(event: LoginEvent): Promise<void>;
}

export interface LoginOutcome {
  /**
   * The options to store for the remote, given what the config holds for it when saving (another
   * process may have changed it since the login began; undefined when it is missing or of another
   * type). Throws BadInput when they are not valid options of the type.
   */
  options(current: Record<string, unknown> | undefined): Record<string, unknown>;
  /** The line that ends the login, once saved: who logged in, what was saved into `where`. */
  done(where: { remote: string; configPath: string }): string;
}

/**
 * `ferry login NAME REMOTE`: an interactive login whose result is saved into a remote of the
 * declaring type (created when missing).
 */
export interface LoginFlow {
  /** The word after `login`: the declaring provider's type id. */
  name: string;
  /** Words this flow answered to before it took its type's name; scripts written then still use them. */
  legacyNames?: readonly string[];
  /** One line for the help: what it logs in to and how. */
  description: string;
  flags: readonly CommandFlag[];
  /** Complete command lines, shown under the help's examples. */
  examples: readonly string[];
  run(login: LoginRun): Promise<LoginOutcome>;
}

/** The copies a command runs with the command line's transfer flags (`transfers: true`). */
export interface CommandTransfers {
  /** --json: the command prints one JSON line for the whole run; no run prints its own summary. */
  json: boolean;
  dryRun: boolean;
  /**
   * Copies source into dest as `ferry copy` would, here or through the workers (--queue), and
   * prints its summary unless --json. Undefined when it was queued without --wait.
   */
  copy(source: string, dest: string): Promise<RunSummary | undefined>;
}

export interface CommandCall {
  /** Positional arguments in declared order; a variadic one as an array. */
  args: readonly (string | readonly string[])[];
  /** Declared flags by long name: a value, true for a switch, undefined when not given. */
  flags: Readonly<Record<string, string | boolean | undefined>>;
  /** Configured remotes by name, their options raw. */
  remotes: Readonly<Record<string, { type: string } & Record<string, unknown>>>;
  /** Resolves a path argument (`remote:/path`, an inline remote, a local path). */
  locate(arg: string): Location;
  /** One result line on stdout, at the reader's pace. */
  out(line: string): Promise<void>;
  /** One line of notice or progress on stderr. */
  note(line: string): void;
  /** Present when the command declares `transfers`. */
  transfers?: CommandTransfers;
}

/**
 * A command a provider adds to the host: `ferry NAME ARGS`, or a group of subcommands
 * (`ferry offline add|list|rm`). Names must not clash with the host's own commands.
 */
export interface ProviderCommand {
  name: string;
  aliases?: readonly string[];
  description: string;
  /** Positional arguments as on the command line: `<remote>`, `<hashes...>`, `[dir]`. */
  args?: string;
  /** The usage line, when the arguments read better than they parse (`<link...> <dest>`). */
  usage?: string;
  flags?: readonly CommandFlag[];
  /** Takes the host's transfer flags and runs copies with them (see CommandTransfers). */
  transfers?: boolean;
  /** Text shown after the flags in the help. */
  help?: string;
  subcommands?: readonly ProviderCommand[];
  /** Returns the exit code when it is not 0 (some items failed); errors throw. */
  run?(call: CommandCall): Promise<number | void>;
}

/**
 * Links written where a command takes a path (`ferry ls https://115.com/s/…`): the provider
 * turns one into the location to open, which another configured remote's login may serve.
 */
export interface PathLinks {
  /** What one link is, for help texts: `a 115 share link`. */
  noun: string;
  /** One clause for the help of commands taking paths: how such a link reads, with an example. */
  help: string;
  /** Whether `arg` is written as one of these links (then it is never a local path). */
  claims(arg: string): boolean;
  /**
   * The location to open for a claimed link (an inline remote, which job data carries as text);
   * throws BadInput for a malformed one. `account` is asked only here, so a command given no
   * link never needs an account.
   */
  locationOf(arg: string, account: () => string | undefined): string;
  /** The provider type whose remotes lend their login to these links (`--account`), and what to call one. */
  account: { type: string; noun: string };
}
