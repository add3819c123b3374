import { resolve } from 'node:path';
import { type ConfigStore, type FerryConfig, describeZodError, parseRemote } from './config.js';
import { BadInput } from './errors.js';
import { upgradeOptions } from './former-options.js';
import { normalizePath } from './names.js';
import type { Location } from './provider.js';
import { type ProviderContext, type ProviderFactory, findProviderFactory, getProviderFactory, listProviderFactories, parseOptionArgs } from './registry.js';

/** A remote written out in the path itself, `:type,key=value,...:/path` (rclone's on-the-fly remotes). */
export interface InlineRemote {
  type: string;
  /** `key=value` strings, typed by the provider's declared options. */
  options: string[];
}

export type ParsedPath =
  | { remote: string; path: string; inline?: InlineRemote }
  | { remote: undefined; path: string };

/**
 * "name:/path" names a configured remote, as in rclone; ":type,key=value:/path" is a remote
 * given inline (a share link turned into a location, which job data can carry as text); anything
 * else is a path on local disk. A local file whose name holds a colon is reached as "./a:b".
 */
export function parseRemotePath(arg: string): ParsedPath {
  if (arg === '') throw new BadInput('empty path');
  const inline = /^:([a-z0-9][a-z0-9-]*)((?:,[A-Za-z0-9_]+=[^,:]*)*):(.*)$/.exec(arg);
  if (inline) {
    const options = (inline[2] ?? '').split(',').filter(Boolean);
    return { remote: `:${inline[1]!}${inline[2] ?? ''}`, path: normalizePath(inline[3] ?? ''), inline: { type: inline[1]!, options } };
  }
  if (arg.startsWith(':')) throw new BadInput(`'${arg}': an inline remote reads ":type,key=value,...:/path"`);
  const m = /^([A-Za-z0-9_][A-Za-z0-9_.-]*):(.*)$/.exec(arg);
  if (!m) return { remote: undefined, path: arg };
  return { remote: m[1]!, path: normalizePath(m[2] ?? '') };
}

/** The factory that serves bare paths (local disk); core does not name it. */
function barePathFactory(): ProviderFactory {
  const factory = listProviderFactories().find((f) => f.barePaths);
  if (!factory) throw new BadInput('no provider for local paths is registered');
  return factory;
}

/**
 * `context` adds what only the host can give (a request budget shared by worker processes); the
 * store, when given, lets the provider persist and re-read this remote's options under its lock.
 */
export function resolveLocation(arg: string, config: FerryConfig, store?: ConfigStore, context: Partial<ProviderContext> = {}): Location {
  const parsed = parseRemotePath(arg);
  if (parsed.remote === undefined) {
    const root = resolve(parsed.path);
    const factory = barePathFactory();
    const provider = factory.create('local', factory.options.parse({ root }), context);
    return { provider, path: '/', display: root };
  }
  const name = parsed.remote;
  const lookup: Pick<ProviderContext, 'remoteOptions'> = { remoteOptions: (other) => upgradedRemote(config, other) };
  if (parsed.inline) {
    const factory = getProviderFactory(parsed.inline.type);
    const options = factory.options.safeParse(upgradeOptions(factory, name, parseOptionArgs(factory, parsed.inline.options)));
    if (!options.success) throw new BadInput(`${name}: ${describeZodError(options.error)}`);
    const provider = factory.create(name, options.data, { ...lookup, ...context });
    return { provider, path: parsed.path, display: `${name}:${parsed.path}` };
  }
  const remote = config.remotes[name];
  if (!remote) {
    throw new BadInput(`unknown remote '${name}' (configured: ${Object.keys(config.remotes).join(', ') || 'none'}; add one with \`ferry remote add\`)`);
  }
  const { factory, options } = parseRemote(name, remote);
  const provider = factory.create(name, options, {
    ...lookup,
    ...(store ? storeContext(store, name) : {}),
    ...context,
  });
  return { provider, path: parsed.path, display: `${name}:${parsed.path}` };
}

/** Another remote's raw options for a provider that borrows its login, former options mapped. */
function upgradedRemote(config: FerryConfig, name: string): ({ type: string } & Record<string, unknown>) | undefined {
  const remote = config.remotes[name];
  const factory = remote && findProviderFactory(remote.type);
  if (!remote || !factory) return remote;
  const { type, ...raw } = remote;
  return { type, ...upgradeOptions(factory, name, raw) };
}

function storeContext(store: ConfigStore, name: string): ProviderContext {
  return {
    withLock: (lock, fn) => store.withLock(lock, fn),
    saveOptions: (patch) => store.updateRemote(name, patch),
    loadOptions: async () => {
      const remote = (await store.load()).remotes[name];
      if (!remote) throw new BadInput(`remote '${name}' is no longer configured`);
      const { type: _type, ...options } = remote;
      return options;
    },
  };
}
