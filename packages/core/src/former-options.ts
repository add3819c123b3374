import type { FormerOption, ProviderFactory } from './registry.js';

const told = new Set<string>();

function notice(line: string): void {
  if (told.has(line)) return;
  told.add(line);
  process.stderr.write(`${line}\n`);
}

/**
 * `raw` with the type's former options mapped onto today's: a renamed key's value moves to its
 * new name (unless that is set too, which wins), a retired key is dropped. `remote` names the
 * remote in the one-line notice.
 */
export function upgradeOptions(factory: ProviderFactory, remote: string, raw: Record<string, unknown>): Record<string, unknown> {
  const former = factory.formerOptions ?? {};
  if (!Object.keys(raw).some((key) => Object.hasOwn(former, key))) return raw;
  const out = { ...raw };
  for (const [key, how] of Object.entries(former)) {
    if (!Object.hasOwn(out, key)) continue;
    const value = out[key];
    delete out[key];
    if ('retired' in how) {
      notice(`ferry: remote '${remote}': option '${key}' is no longer read and is ignored: ${how.retired}`);
      continue;
    }
    if (Object.hasOwn(out, how.renamedTo)) {
      notice(`ferry: remote '${remote}': option '${key}' was renamed to '${how.renamedTo}', which is also set and wins; remove '${key}'`);
      continue;
    }
    out[how.renamedTo] = how.convert ? how.convert(value) : value;
    notice(`ferry: remote '${remote}': option '${key}' was renamed to '${how.renamedTo}'${how.note ? ` (${how.note})` : ''}; read as ${how.renamedTo}=${JSON.stringify(out[how.renamedTo])}`);
  }
  return out;
}

/** A former `*_mib` option, now the size option `renamedTo` in bytes like every provider's sizes. */
export function renamedFromMib(renamedTo: string): FormerOption {
  return {
    renamedTo,
    convert: (value) => (typeof value === 'number' ? value * 1024 * 1024 : value),
    note: 'sizes are now in bytes; key=value also takes 16M',
  };
}
