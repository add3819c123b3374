import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeOptions, listProviderFactories } from '@ferry/core';
import { registerAllProviders } from '@ferry/providers';

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
});
