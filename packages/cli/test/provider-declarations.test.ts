import { describe, expect, it } from 'vitest';
import { type ProviderCommand, listLoginFlows, listPathLinks, listProviderCommands } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';
import { type Sandbox, ferry, sandbox } from './helpers.js';

registerAllProviders();

/** Help text with commander's line wrapping undone. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}

async function helpOf(args: string[], box: Sandbox): Promise<string> {
  const help = await ferry([...args, '--help'], box);
  expect(help.code, help.stderr).toBe(0);
  return flat(help.stdout);
}

/** The help of `path` shows what `declared` says of itself, flags and subcommands included. */
async function expectDeclaredHelp(path: string[], declared: ProviderCommand, box: Sandbox): Promise<void> {
  const help = await helpOf(path, box);
  expect(help).toContain(flat(declared.description));
  for (const flag of declared.flags ?? []) expect(help).toContain(`${flag.flag} ${flat(flag.description)}`);
  if (declared.help) expect(help).toContain(flat(declared.help));
  if (declared.transfers) for (const flag of ['--dry-run', '--queue', '--json', '--bwlimit']) expect(help).toContain(flag);
  for (const sub of declared.subcommands ?? []) {
    expect(help).toContain(sub.name);
    await expectDeclaredHelp([...path, sub.name], sub, box);
  }
}

describe('what providers declare, in the help', () => {
  it('ferry --help lists every command a provider declares; the help of each is its declaration', async () => {
    const box = await sandbox();
    const commands = listProviderCommands();
    expect(commands.map(({ command }) => command.name).sort()).toEqual(['import-share', 'offline']);
    const root = await helpOf([], box);
    for (const { command } of commands) {
      expect(root).toContain(`${command.name} `);
      expect(root).toContain(flat(command.description));
      await expectDeclaredHelp([command.name], command, box);
    }
  });

  it('ferry login --help lists every declared login flow with its flags and examples', async () => {
    const box = await sandbox();
    const flows = listLoginFlows();
    expect(flows.map(({ flow }) => flow.name)).toEqual(['aliyun-open', 'p115']);
    const help = await helpOf(['login'], box);
    expect(help).toContain(`(service: ${flows.map(({ flow }) => flow.name).join(' or ')})`);
    for (const { type, flow } of flows) {
      expect(help).toContain(`${flow.name} ${flat(flow.description)} (remote type ${type})`);
      for (const flag of flow.flags) expect(help).toContain(`${flag.flag} ${flow.name}: ${flat(flag.description)}`);
      for (const example of flow.examples) expect(help).toContain(flat(example));
    }
  });

  it('commands taking paths name the declared links and their account in --account', async () => {
    const box = await sandbox();
    const [declared] = listPathLinks();
    expect(declared?.type).toBe('p115-share');
    const { noun, account } = declared!.links;
    for (const command of ['ls', 'hash', 'copy', 'sync', 'check', 'move']) {
      expect(await helpOf([command], box)).toContain(`--account <remote> the ${account.type} remote whose login reads ${noun}`);
    }
    expect(await helpOf(['copy'], box)).toContain(flat(declared!.links.help));
  });
});
