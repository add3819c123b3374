import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './source-files.js';

const PACKAGES = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Each module's relative imports (type-only ones too: a loop of types still ties the modules together). */
async function importGraph(): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  for (const pkg of await readdir(PACKAGES)) {
    const src = join(PACKAGES, pkg, 'src');
    const files = await sourceFiles(src).catch(() => []);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const targets = [...text.matchAll(/(?:from|import)\s+'(\.{1,2}\/[^']+)'/g)].map((m) => resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts'));
      graph.set(file, targets);
    }
  }
  return graph;
}

/** The first import loop found, as the modules along it; undefined when there is none. */
function findLoop(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (node: string): string[] | undefined => {
    if (onPath.has(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return undefined;
    path.push(node);
    onPath.add(node);
    for (const next of graph.get(node) ?? []) {
      const loop = visit(next);
      if (loop) return loop;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const loop = visit(node);
    if (loop) return loop;
  }
  return undefined;
}

describe('module graph', () => {
  it('has no import loop inside any package', async () => {
    const graph = await importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(findLoop(graph)?.map((f) => relative(PACKAGES, f))).toBeUndefined();
  });
});
