import { type Command, Option } from 'commander';
import { BadInput, ConfigStore, type LoginEvent, type LoginFlow, isValidRemoteName, listLoginFlows } from '@ferry/core';
import '../context.js';
import { UsageError } from '../output.js';
import { showQrCode } from './qr-display.js';

interface LoginFlags {
  qrPng?: string;
  pollMs: string;
  [flowFlag: string]: string | undefined;
}

/** One command-line flag of the login flows, with the flows that take it. */
interface FlowFlag {
  option: Option;
  flows: string[];
}

/** Every flow's flags on the one `login` command; a flag two flows declare is one option, described by each. */
function flowFlags(flows: readonly { flow: LoginFlow }[]): Map<string, FlowFlag> {
  const flags = new Map<string, FlowFlag>();
  for (const { flow } of flows) {
    for (const declared of flow.flags) {
      const option = new Option(declared.flag, `${flow.name}: ${declared.description}`);
      const seen = flags.get(option.long!);
      if (seen) {
        seen.flows.push(flow.name);
        seen.option.description += `; ${option.description}`;
      } else flags.set(option.long!, { option, flows: [flow.name] });
    }
  }
  return flags;
}

/** What a flow tells the user, on stderr: QR codes drawn, statuses and notices as lines. */
async function show(event: LoginEvent, qrPng: string | undefined): Promise<void> {
  if (event.kind === 'notice') process.stderr.write(`${event.text}\n`);
  else if (event.kind === 'status') process.stderr.write(`Status: ${event.text}\n`);
  else {
    if (event.fresh) process.stderr.write('A new QR code:\n');
    await showQrCode(event.content, qrPng);
  }
}

/** Runs `flow` for `remote` of `type` and saves what it logged in into the config. */
async function logIn(type: string, flow: LoginFlow, remote: string, flowFlags: Record<string, string | undefined>, flags: LoginFlags, pollMs: number): Promise<void> {
  const store = new ConfigStore();
  const existing = (await store.load()).remotes[remote];
  if (existing && existing.type !== type) throw new BadInput(`remote '${remote}' is a '${existing.type}' remote, not ${type}`);
  const { type: _type, ...saved } = existing ?? { type };
  const outcome = await flow.run({ remote, saved: existing ? saved : undefined, flags: flowFlags, pollMs, emit: (event) => show(event, flags.qrPng) });
  await store.update((config) => {
    const current = config.remotes[remote];
    const { type: _t, ...kept } = current?.type === type ? current : { type };
    config.remotes[remote] = { type, ...outcome.options(current?.type === type ? kept : undefined) };
  });
  process.stderr.write(`${outcome.done({ remote, configPath: store.path })}\n`);
}

export function addLoginCommands(program: Command): void {
  const flows = listLoginFlows();
  const names = flows.map(({ flow }) => flow.name);
  const flags = flowFlags(flows);
  const cmd = program
    .command('login <service> <remote>')
    .description(`Log in to a cloud by QR code and save the session into a remote (service: ${names.join(' or ')})`)
    .option('--qr-png <file>', 'also write the QR code as a PNG file')
    .option('--poll-ms <ms>', 'how often to ask for the QR status', '1000');
  for (const { option } of flags.values()) cmd.addOption(option);
  const width = Math.max(0, ...names.map((n) => n.length));
  cmd.addHelpText(
    'after',
    `
Services:
${flows.map(({ type, flow }) => `  ${flow.name.padEnd(width)}  ${flow.description} (remote type ${type})`).join('\n')}

Examples:
${flows.flatMap(({ flow }) => flow.examples.map((e) => `  ${e}`)).join('\n')}`,
  );
  cmd.action(async (word: string, remote: string, given: LoginFlags) => {
    const found = flows.find(({ flow }) => flow.name === word || flow.legacyNames?.includes(word));
    if (!found) throw new UsageError(`login supports ${names.join(' and ')}, got '${word}'`);
    const service = found.flow.name;
    const own: Record<string, string | undefined> = {};
    for (const [long, { option, flows: takers }] of flags) {
      const value = given[option.attributeName()];
      if (value === undefined) continue;
      if (!takers.includes(service)) throw new UsageError(`${long} does not apply to ${service} logins`);
      own[long.slice(2)] = value;
    }
    if (!isValidRemoteName(remote)) throw new BadInput(`invalid remote name '${remote}': use letters, digits, _ . -`);
    const pollMs = Number(given.pollMs);
    if (!Number.isInteger(pollMs) || pollMs < 10) throw new UsageError(`--poll-ms must be a whole number of at least 10, got '${given.pollMs}'`);
    await logIn(found.type, found.flow, remote, own, given, pollMs);
  });
}
