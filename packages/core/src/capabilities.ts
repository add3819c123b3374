import type { Capabilities, Provider } from './provider.js';

/**
 * What a provider can be asked to do, each backed by the methods it needs and, for the abilities
 * the engine plans around before calling anything, by a flag in `capabilities`. Every caller asks
 * `can` instead of testing a flag or a method itself, and the conformance suite checks that flags
 * and methods agree (`capabilityMismatches`), so a provider declares each ability once.
 */
const ABILITIES = {
  read: { flag: 'read', methods: [] },
  write: { flag: 'write', methods: ['beginUpload', 'mkdirp'] },
  rapidUpload: { flag: 'rapidUpload', methods: ['tryRapidUpload'] },
  serverImport: { flag: 'serverSideImport', methods: ['serverImport'] },
  mkdirp: { methods: ['mkdirp'] },
  remove: { methods: ['remove'] },
  move: { methods: ['move'] },
  hash: { methods: ['hash'] },
  readAt: { methods: ['readAt'] },
  identify: { methods: ['identify'] },
  about: { methods: ['about'] },
} as const satisfies Record<string, { flag?: FlagName; methods: readonly OptionalMember[] }>;

type FlagName = { [K in keyof Capabilities]: Capabilities[K] extends boolean ? K : never }[keyof Capabilities];
type OptionalMember = { [K in keyof Provider]-?: undefined extends Provider[K] ? K : never }[keyof Provider];

export type Ability = keyof typeof ABILITIES;

/** A provider known to hold the methods `ability` needs. */
export type ProviderThatCan<A extends Ability> = Provider & Required<Pick<Provider, (typeof ABILITIES)[A]['methods'][number]>>;

/** Whether `provider` can do `ability`: its flag (where there is one) is set and its methods are there. */
export function can<A extends Ability>(provider: Provider, ability: A): provider is ProviderThatCan<A> {
  const { methods, ...rest } = ABILITIES[ability] as { flag?: FlagName; methods: readonly OptionalMember[] };
  if (rest.flag !== undefined && !provider.capabilities[rest.flag]) return false;
  return methods.every((m) => provider[m] !== undefined);
}

/** Whether `target`'s service can fetch from `source` itself (no byte through Ferry); decided without I/O. */
export function importsFrom(target: Provider, source: Provider): boolean {
  return can(target, 'serverImport') && target.serverImport.canImportFrom(source);
}

/** Every flag that says one thing while the methods say another, as sentences; empty when they agree. */
export function capabilityMismatches(provider: Provider): string[] {
  const out: string[] = [];
  for (const [ability, spec] of Object.entries(ABILITIES) as [Ability, { flag?: FlagName; methods: readonly OptionalMember[] }][]) {
    if (spec.flag === undefined) continue;
    const flagged = provider.capabilities[spec.flag];
    const missing = spec.methods.filter((m) => provider[m] === undefined);
    if (flagged && missing.length > 0) out.push(`capabilities.${spec.flag} is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (${ability})`);
    if (!flagged && spec.methods.length > 0 && missing.length === 0) {
      out.push(`capabilities.${spec.flag} is not set but ${spec.methods.join(', ')} ${spec.methods.length > 1 ? 'are' : 'is'} there (${ability})`);
    }
  }
  return out;
}
