import { z } from 'zod';
import { BadInput } from './errors.js';
import type { PacerStore } from './pacing/store.js';
import type { Provider } from './provider.js';
import type { LoginFlow, PathLinks, ProviderCommand } from './provider-commands.js';
import { parseOptionSize } from './rclone-units.js';

/**
 * A provider type declares its options once, as a zod object whose fields carry defaults and
 * `.describe()` help. Config validation, `ferry remote add TYPE --help` and the README tables
 * all read that one declaration.
 */
export interface ProviderFactory<S extends z.ZodObject = z.ZodObject> {
  type: string;
  description: string;
  options: S;
  /** Option names whose values are redacted whenever they are shown or logged. */
  secrets: readonly string[];
  /** Serves paths written without "remote:" (local disk). */
  barePaths?: boolean;
  /** Options earlier versions took, so their configs keep loading (see upgradeOptions). */
  formerOptions?: Readonly<Record<string, FormerOption>>;
  /**
   * Names this type went by in earlier versions: configs and queued jobs written then still carry
   * them, so they resolve to this type (and a config is saved under the current name).
   */
  legacyTypes?: readonly string[];
  create(remote: string, options: z.infer<S>, context: ProviderContext): Provider;
  /** An interactive login that fills in a remote of this type (`ferry login NAME REMOTE`). */
  login?: LoginFlow;
  /** Commands this provider adds to the host (`ferry offline …`). */
  commands?: readonly ProviderCommand[];
  /** Links this provider opens where a path is expected. */
  links?: PathLinks;
}

/**
 * An option an earlier version took. A renamed one's value still counts (converted to the new
 * option's unit); a retired one is ignored. Either way a config written then keeps loading, and
 * the user is told once per process what to change (upgradeOptions).
 */
export type FormerOption =
  | { renamedTo: string; convert?: (value: unknown) => unknown; note?: string }
  | { retired: string };

/** What a provider may use from the host: persisting rotated credentials, for instance. */
export interface ProviderContext {
  /**
   * Where request budgets and account pauses live (pacerFor): Redis in workers, so every process
   * spends one budget per account; absent, the process's own memory store.
   */
  pacing?: PacerStore;
  /** Persists changed options of this remote (an Aliyun refresh token rotates on every use). */
  saveOptions?(patch: Record<string, unknown>): Promise<void>;
  /**
   * Runs `fn` holding the lock `name`, shared by every process using this config (a lock file
   * beside the config, and a Redis lock too in workers): a single-use token must be refreshed by
   * one process at a time. A remote without a config store (inline) has none and providers fall
   * back to a lock of their own.
   */
  withLock?<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** This remote's options as the config store holds them now, which another process may have rotated. */
  loadOptions?(): Promise<Record<string, unknown>>;
  /**
   * Another configured remote, raw (`type` included), for a provider that borrows an account's
   * login (a 115 share downloads with a 115 remote's cookie). Undefined when not configured.
   */
  remoteOptions?(name: string): ({ type: string } & Record<string, unknown>) | undefined;
}

const factories = new Map<string, ProviderFactory>();
const currentTypeOf = new Map<string, string>();

export function registerProvider<S extends z.ZodObject>(factory: ProviderFactory<S>): void {
  factories.set(factory.type, factory as unknown as ProviderFactory);
  for (const legacy of factory.legacyTypes ?? []) currentTypeOf.set(legacy, factory.type);
}

/** The type's current name: itself, unless it is a registered type's legacy name. */
export function canonicalProviderType(type: string): string {
  return factories.has(type) ? type : (currentTypeOf.get(type) ?? type);
}

export function findProviderFactory(type: string): ProviderFactory | undefined {
  return factories.get(canonicalProviderType(type));
}

/** "aliyun-open, local, p115", for messages about a type that is not among them. */
export function knownProviderTypes(): string {
  return [...factories.keys()].sort().join(', ') || 'none';
}

export function getProviderFactory(type: string): ProviderFactory {
  const factory = findProviderFactory(type);
  if (!factory) throw new BadInput(`unknown remote type '${type}' (known types: ${knownProviderTypes()})`);
  return factory;
}

export function listProviderFactories(): ProviderFactory[] {
  return [...factories.values()].sort((a, b) => a.type.localeCompare(b.type));
}

/** Every declared login flow with the type it logs into, by flow name. */
export function listLoginFlows(): { type: string; flow: LoginFlow }[] {
  return listProviderFactories()
    .flatMap((f) => (f.login ? [{ type: f.type, flow: f.login }] : []))
    .sort((a, b) => a.flow.name.localeCompare(b.flow.name));
}

/** Every command a provider declares, with the type declaring it. */
export function listProviderCommands(): { type: string; command: ProviderCommand }[] {
  return listProviderFactories().flatMap((f) => (f.commands ?? []).map((command) => ({ type: f.type, command })));
}

/** Every provider's declared links, with the type opening them. */
export function listPathLinks(): { type: string; links: PathLinks }[] {
  return listProviderFactories().flatMap((f) => (f.links ? [{ type: f.type, links: f.links }] : []));
}

export function redactOptions(
  factory: ProviderFactory | undefined,
  options: Record<string, unknown>,
): Record<string, unknown> {
  const secrets = new Set(factory?.secrets ?? []);
  return Object.fromEntries(
    Object.entries(options).map(([k, v]) => [k, secrets.has(k) && v !== '' && v != null ? redact(String(v)) : v]),
  );
}

function redact(secret: string): string {
  if (secret.length <= 8) return '***';
  return `${secret.slice(0, 3)}***${secret.slice(-2)}`;
}

/**
 * A size option: a whole number of bytes in the config, named `*_size` like every provider's
 * sizes; `key=value` also takes rclone's suffixes (16M). Shown with the type `size`.
 */
export function byteSize(): z.ZodNumber {
  return z.number().int().meta({ unit: 'bytes' });
}

function isByteSize(schema: ZodInternals): boolean {
  return z.globalRegistry.get(schema as unknown as z.ZodType)?.['unit'] === 'bytes';
}

export interface OptionInfo {
  name: string;
  /** The zod type name ("string", "number", "boolean", "enum"), or "size" for a byteSize(). */
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
  secret: boolean;
}

interface ZodInternals {
  _zod: { def: { type: string; defaultValue?: unknown; innerType?: ZodInternals } };
  description?: string;
}

function unwrap(schema: ZodInternals): { type: string; default?: unknown; optional: boolean } {
  let node = schema;
  let optional = false;
  let def: unknown;
  for (;;) {
    const d = node._zod.def;
    if (isByteSize(node)) return def === undefined ? { type: 'size', optional } : { type: 'size', default: def, optional };
    if (d.type === 'default') {
      def = d.defaultValue;
      optional = true;
    } else if (d.type === 'optional') {
      optional = true;
    } else {
      return def === undefined ? { type: d.type, optional } : { type: d.type, default: def, optional };
    }
    if (!d.innerType) return { type: d.type, optional };
    node = d.innerType;
  }
}

/** The declared options of a provider type, for help texts and the README tables. */
export function describeOptions(factory: ProviderFactory): OptionInfo[] {
  const secrets = new Set(factory.secrets);
  return Object.entries(factory.options.shape as Record<string, ZodInternals>).map(([name, schema]) => {
    const info = unwrap(schema);
    return {
      name,
      type: info.type,
      required: !info.optional,
      ...(info.default !== undefined ? { default: info.default } : {}),
      description: schema.description ?? '',
      secret: secrets.has(name),
    };
  });
}

/** Turns `key=value` strings from the command line into typed option values. */
export function parseOptionArgs(factory: ProviderFactory, args: readonly string[]): Record<string, unknown> {
  const infos = new Map(describeOptions(factory).map((o) => [o.name, o]));
  const out: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new BadInput(`expected key=value, got '${arg}'`);
    const key = arg.slice(0, eq);
    const value = arg.slice(eq + 1);
    const info = infos.get(key);
    const former = factory.formerOptions?.[key];
    if (!info && former) {
      // Mapped by upgradeOptions after this, as a config's would be.
      out[key] = value !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
      continue;
    }
    if (!info) {
      throw new BadInput(`'${factory.type}' has no option '${key}' (options: ${[...infos.keys()].join(', ')})`);
    }
    if (info.type === 'size') {
      out[key] = parseOptionSize(value, key);
    } else if (info.type === 'number') {
      const n = Number(value);
      if (value === '' || !Number.isFinite(n)) throw new BadInput(`option '${key}' needs a number, got '${value}'`);
      out[key] = n;
    } else if (info.type === 'boolean') {
      if (value !== 'true' && value !== 'false') throw new BadInput(`option '${key}' needs true or false, got '${value}'`);
      out[key] = value === 'true';
    } else {
      out[key] = value;
    }
  }
  return out;
}
