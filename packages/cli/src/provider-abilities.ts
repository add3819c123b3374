import { type Location, type Provider, can } from '@ferry/core';
import { UsageError } from './output.js';

type Ability = 'remove' | 'mkdirp' | 'move' | 'about';

/** What the one line says this remote lacks, after "a <type> remote ". */
const LACKS: Record<Ability, string> = {
  remove: 'cannot delete files or folders',
  mkdirp: 'cannot make folders',
  move: 'cannot move files',
  about: 'has no quota to report',
};

/** The provider's method for `ability`, or the one line saying this remote cannot do it. */
export function requireAbility<A extends Ability>(loc: Location, ability: A): NonNullable<Provider[A]> {
  const { provider } = loc;
  if (!can(provider, ability)) throw new UsageError(`${loc.display}: a ${provider.type} remote ${LACKS[ability]}`);
  return (provider[ability] as NonNullable<Provider[A]> & ((...args: never[]) => unknown)).bind(provider) as NonNullable<Provider[A]>;
}
