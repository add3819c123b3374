import type { Command } from 'commander';
import {
  BadInput,
  ConfigStore,
  describeOptions,
  describeZodError,
  formatOptionSize,
  getProviderFactory,
  isValidRemoteName,
  listProviderFactories,
  parseOptionArgs,
  remoteFactory,
  redactOptions,
  storedOptions,
  upgradeOptions,
} from '@ferry/core';
import '../context.js';

function typesHelp(): string {
  const lines = ['', 'Remote types and their options:'];
  for (const factory of listProviderFactories()) {
    lines.push('', `  ${factory.type}: ${factory.description}`);
    for (const o of describeOptions(factory)) {
      const shown = o.type === 'size' && typeof o.default === 'number' ? formatOptionSize(o.default) : JSON.stringify(o.default);
      const extra = [o.required ? 'required' : o.default !== undefined ? `default ${shown}` : 'optional'];
      if (o.secret) extra.push('secret');
      lines.push(`    ${o.name}=<${o.type}>  ${o.description} (${extra.join(', ')})`);
    }
  }
  return lines.join('\n');
}

export function addRemoteCommands(program: Command): void {
  const remote = program.command('remote').description('Add, list, show and remove configured remotes');

  remote
    .command('add <name> <type> [options...]')
    .description('Add or replace a remote: ferry remote add NAME TYPE key=value ...')
    .addHelpText('after', typesHelp)
    .action(async (name: string, type: string, args: string[]) => {
      if (!isValidRemoteName(name)) throw new BadInput(`invalid remote name '${name}': use letters, digits, _ . -`);
      const factory = getProviderFactory(type);
      const given = upgradeOptions(factory, name, parseOptionArgs(factory, args));
      const parsed = factory.options.safeParse(given);
      if (!parsed.success) throw new BadInput(`remote '${name}': ${describeZodError(parsed.error)}`);
      const store = new ConfigStore();
      let existed = false;
      await store.update((config) => {
        existed = name in config.remotes;
        config.remotes[name] = { type: factory.type, ...storedOptions(factory, given) };
      });
      process.stderr.write(`${existed ? 'Updated' : 'Added'} remote '${name}' (${factory.type}) in ${store.path}\n`);
    });

  remote
    .command('list')
    .description('List configured remotes')
    .action(async () => {
      const config = await new ConfigStore().load();
      for (const [name, r] of Object.entries(config.remotes)) process.stdout.write(`${name}: ${r.type}\n`);
    });

  remote
    .command('show <name>')
    .description('Show a remote with its secrets redacted')
    .action(async (name: string) => {
      const config = await new ConfigStore().load();
      const r = config.remotes[name];
      if (!r) throw new BadInput(`unknown remote '${name}'`);
      const { type, ...options } = r;
      const shown = redactOptions(remoteFactory(name, r), options);
      process.stdout.write(`[${name}]\ntype = ${type}\n`);
      for (const [k, v] of Object.entries(shown)) process.stdout.write(`${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}\n`);
    });

  remote
    .command('remove <name>')
    .alias('rm')
    .description('Remove a remote from the config')
    .action(async (name: string) => {
      await new ConfigStore().update((config) => {
        if (!(name in config.remotes)) throw new BadInput(`unknown remote '${name}'`);
        delete config.remotes[name];
      });
      process.stderr.write(`Removed remote '${name}'\n`);
    });
}
