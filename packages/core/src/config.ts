import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { BadInput } from './errors.js';
import { withFileLock } from './file-lock.js';
import { upgradeOptions } from './former-options.js';
import { type ProviderFactory, canonicalProviderType, describeOptions, findProviderFactory, knownProviderTypes } from './registry.js';

const REMOTE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const remoteSchema = z.looseObject({ type: z.string().min(1) });

const configSchema = z.strictObject({
  remotes: z.record(z.string().regex(REMOTE_NAME, 'remote names use letters, digits, _ . -'), remoteSchema).default({}),
  defaults: z
    .strictObject({
      transfers: z.number().int().min(1).max(64).optional(),
      retries: z.number().int().min(0).max(20).optional(),
    })
    .default({}),
});

export type FerryConfig = z.infer<typeof configSchema>;
export type RemoteConfig = z.infer<typeof remoteSchema>;

export function isValidRemoteName(name: string): boolean {
  return REMOTE_NAME.test(name);
}

function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRY_CONFIG) return resolve(env.FERRY_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'ferry', 'ferry.config.json');
}

/** "cookie: expected string" for the first problem zod found. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid value';
  const path = issue.path.map(String).join('.');
  const message = issue.code === 'invalid_type' && / received undefined$/.test(issue.message) ? 'required option is missing' : issue.message;
  return path ? `${path}: ${message}` : message;
}

/**
 * A configured remote's factory and typed options. Checked when the remote is used rather than at
 * every load, so one remote of a type this version lacks (or with a bad option) stops only the
 * commands that use it, and `ferry remote remove` can still take it out.
 */
export function parseRemote(name: string, remote: RemoteConfig): { factory: ProviderFactory; options: Record<string, unknown> } {
  const factory = remoteFactory(name, remote);
  const { type: _type, ...raw } = remote;
  const options = factory.options.safeParse(upgradeOptions(factory, name, raw));
  if (!options.success) throw new BadInput(`remote '${name}': ${describeZodError(options.error)}`);
  return { factory, options: options.data };
}

/** The provider type of a configured remote, or an error naming the remote and how to fix it. */
export function remoteFactory(name: string, remote: RemoteConfig): ProviderFactory {
  const factory = findProviderFactory(remote.type);
  if (factory) return factory;
  throw new BadInput(
    `remote '${name}' has unknown type '${remote.type}' (known types: ${knownProviderTypes()}); replace it with \`ferry remote add ${name} TYPE ...\` or drop it with \`ferry remote remove ${name}\``,
  );
}

/**
 * Options as the user gave them, less those equal to the type's declared default: the defaults
 * stay in the code, so a later version's better default reaches configs written today.
 */
export function storedOptions(factory: ProviderFactory, given: Record<string, unknown>): Record<string, unknown> {
  const defaults = new Map(describeOptions(factory).map((o) => [o.name, o.default]));
  return Object.fromEntries(Object.entries(given).filter(([key, value]) => !Object.is(defaults.get(key), value)));
}

/**
 * The config file: its shape validated at every load (a hand-edited file is untrusted input), each
 * remote's options when that remote is used (parseRemote); written atomically with mode 0600
 * because it holds cookies and tokens. Changes are made under a lock file beside it, since several
 * Ferry processes may rotate tokens in it at once.
 */
export class ConfigStore {
  constructor(readonly path: string = defaultConfigPath()) {}

  async load(): Promise<FerryConfig> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return configSchema.parse({});
      throw new BadInput(`cannot read config ${this.path}: ${(err as Error).message}`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new BadInput(`config ${this.path} is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = configSchema.safeParse(raw);
    if (!parsed.success) throw new BadInput(`config ${this.path}: ${describeZodError(parsed.error)}`);
    // A remote written under a type's legacy name reads (and is next saved) under its current one.
    for (const remote of Object.values(parsed.data.remotes)) remote.type = canonicalProviderType(remote.type);
    return parsed.data;
  }

  async save(config: FerryConfig): Promise<void> {
    const text = JSON.stringify(configSchema.parse(config), null, 2) + '\n';
    await writeFileAtomic(this.path, text, 0o600);
  }

  /**
   * Read-modify-write of the config holding its lock: a process that read the file earlier and
   * saved it whole would put back a refresh token another process has since spent.
   */
  update(change: (config: FerryConfig) => void): Promise<void> {
    return withFileLock(`${this.path}.lock`, async () => {
      const config = await this.load();
      change(config);
      await this.save(config);
    });
  }

  /** One remote's options patched (used to persist rotated tokens). */
  async updateRemote(name: string, patch: Record<string, unknown>): Promise<void> {
    await this.update((config) => {
      const remote = config.remotes[name];
      if (!remote) throw new BadInput(`unknown remote '${name}'`);
      config.remotes[name] = { ...remote, ...patch };
    });
  }

  /**
   * Runs `fn` holding the lock `name`, shared by every process using this config file (a lock
   * file beside it): a single-use token is refreshed by one process at a time, which first reads
   * the token the previous one saved.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return withFileLock(`${this.path}.${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`, fn);
  }
}

async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.chmod(tmp, mode);
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}
