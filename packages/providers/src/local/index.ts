import { z } from 'zod';
import { registerProvider } from '@ferry/core';
import { LocalProvider } from './provider.js';

const localOptions = z.object({
  root: z.string().min(1).describe('Folder on local disk that this remote shows as "/"'),
});

export function registerLocal(): void {
  registerProvider({
    type: 'local',
    description: 'A folder on local disk (bare paths use it without any configuration)',
    options: localOptions,
    secrets: [],
    barePaths: true,
    create: (remote, options) => new LocalProvider(remote, options.root),
  });
}

export { LocalProvider };
