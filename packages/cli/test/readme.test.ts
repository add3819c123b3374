import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeOptions, listProviderFactories } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';
import { optionTable, remoteTypeHeading, withOptionTables } from '../src/readme-options.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md');

describe('README', () => {
  it('lists every remote type with every option it declares', async () => {
    registerAllProviders();
    const text = await readFile(README, 'utf8');
    for (const factory of listProviderFactories()) {
      const start = text.indexOf(`### Remote type \`${factory.type}\``);
      expect(start, factory.type).toBeGreaterThan(0);
      const end = text.indexOf('\n### ', start + 1);
      const section = text.slice(start, end < 0 ? undefined : end);
      for (const option of describeOptions(factory)) expect(section, `${factory.type}.${option.name}`).toContain(`| \`${option.name}\` |`);
    }
  });

  it('shows each type\'s options exactly as declared (`npm run docs:options` rewrites them)', async () => {
    registerAllProviders();
    const text = await readFile(README, 'utf8');
    for (const factory of listProviderFactories()) {
      expect(text, `${factory.type}: run npm run docs:options`).toContain(`${remoteTypeHeading(factory)}\n\n${optionTable(factory).join('\n')}\n`);
    }
    expect(withOptionTables(text, listProviderFactories()) === text, 'README option tables differ: run npm run docs:options').toBe(true);
  });

  it('rewrites a stale table and keeps the prose around it', () => {
    registerAllProviders();
    const local = listProviderFactories().find((f) => f.type === 'local')!;
    const stale = `intro\n\n### Remote type \`local\`: old words\n\n| option | default | meaning |\n| --- | --- | --- |\n| \`gone\` | \`1\` | x |\n\nprose after\n`;
    const others = listProviderFactories().filter((f) => f !== local);
    expect(withOptionTables(stale, [local])).toBe(`intro\n\n${remoteTypeHeading(local)}\n\n${optionTable(local).join('\n')}\n\nprose after\n`);
    expect(() => withOptionTables(stale, others)).toThrow(/README has no section/);
  });
});
