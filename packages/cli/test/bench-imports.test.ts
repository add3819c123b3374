import { promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench');

/** `import { a, b as c, type T } from 'spec'` statements: the spec and the names taken from it. */
function namedImports(source: string): { spec: string; names: string[] }[] {
  return [...source.matchAll(/^import\s*\{([^}]*)\}\s*from\s*'([^']+)'/gm)].map((m) => ({
    spec: m[2]!,
    names: m[1]!
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n !== '' && !n.startsWith('type '))
      .map((n) => n.split(/\s+as\s+/)[0]!),
  }));
}

// `npm run bench` is not part of CI, so a renamed export would otherwise break a benchmark unseen.
it("the benchmarks import only what Ferry's packages export", async () => {
  const scripts = (await fs.readdir(BENCH)).filter((f) => f.endsWith('.mjs'));
  expect(scripts.length).toBeGreaterThan(0);
  const missing: string[] = [];
  let checked = 0;
  for (const script of scripts) {
    for (const { spec, names } of namedImports(await fs.readFile(join(BENCH, script), 'utf8'))) {
      const ours = spec.startsWith('@ferry/') || spec.startsWith('../packages/');
      if (!ours) continue;
      const module = (await import(spec.startsWith('.') ? pathToFileURL(resolve(BENCH, spec)).href : spec)) as Record<string, unknown>;
      for (const name of names) {
        checked++;
        if (!(name in module)) missing.push(`${script}: ${name} from ${spec}`);
      }
    }
  }
  expect(checked).toBeGreaterThan(0);
  expect(missing).toEqual([]);
});
