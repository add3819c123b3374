import type { Location, Provider } from '@ferry/core';
import { UsageError } from './output.js';

type Ability = 'remove' | 'mkdirp' | 'move';

const VERBS: Record<Ability, string> = { remove: 'delete files or folders', mkdirp: 'make folders', move: 'move files' };

/** The provider's optional method, or the one line saying this remote cannot do it. */
export function requireAbility<A extends Ability>(loc: Location, ability: A): NonNullable<Provider[A]> {
  const method = loc.provider[ability];
  if (!method) throw new UsageError(`${loc.display}: a ${loc.provider.type} remote cannot ${VERBS[ability]}`);
  return method.bind(loc.provider) as NonNullable<Provider[A]>;
}
