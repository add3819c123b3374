import { registerAllProviders } from '@ferry/providers';
// @ts-expect-error: a plain JS fixture, shared with the worker processes
import { registerTestLocal } from './fixtures/test-provider.mjs';

// Every test resolves remotes in this process too: the real providers and the test-only one.
registerAllProviders();
(registerTestLocal as () => void)();
