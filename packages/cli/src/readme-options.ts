import { type OptionInfo, type ProviderFactory, describeOptions, formatOptionSize } from '@ferry/core';

/** Defaults longer than this (keys, moduli) are named in the meaning instead of printed. */
const LONGEST_DEFAULT = 48;

function defaultCell(o: OptionInfo): string {
  let text: string;
  if (o.required) text = 'required';
  else if (o.default === undefined) text = 'optional';
  else if (o.type === 'size' && typeof o.default === 'number') text = `\`${formatOptionSize(o.default)}\``;
  else {
    const json = JSON.stringify(o.default);
    text = json.length > LONGEST_DEFAULT ? 'built in' : `\`${json}\``;
  }
  return o.secret ? `${text}, secret` : text;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function remoteTypeHeading(factory: ProviderFactory): string {
  return `### Remote type \`${factory.type}\`: ${factory.description}`;
}

/** The option table of a remote type, as the README shows it. */
export function optionTable(factory: ProviderFactory): string[] {
  return [
    '| option | default | meaning |',
    '| --- | --- | --- |',
    ...describeOptions(factory).map((o) => `| \`${o.name}\` | ${defaultCell(o)} | ${cell(o.description)} |`),
  ];
}

/**
 * `readme` with each remote type's heading and option table written from the declarations, the
 * prose around them kept. A type without its heading is an error: its prose is written by hand.
 */
export function withOptionTables(readme: string, factories: readonly ProviderFactory[]): string {
  const lines = readme.split('\n');
  for (const factory of factories) {
    const at = lines.findIndex((line) => line.startsWith(`### Remote type \`${factory.type}\``));
    if (at < 0) throw new Error(`README has no section "### Remote type \`${factory.type}\`": add its heading and prose first`);
    lines[at] = remoteTypeHeading(factory);
    let start = at + 1;
    while (start < lines.length && lines[start]!.trim() === '') start++;
    let end = start;
    while (end < lines.length && lines[end]!.startsWith('|')) end++;
    const table = optionTable(factory);
    if (end === start) lines.splice(at + 1, start - at - 1, '', ...table, '');
    else lines.splice(start, end - start, ...table);
  }
  return lines.join('\n');
}
