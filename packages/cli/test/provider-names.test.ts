import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './source-files.js';
import { listProviderFactories } from '@ferry/core';
import * as providers from '@ferry/providers';

providers.registerAllProviders();

const PACKAGES = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where no provider may be named: what the CLI and the workers do, they do for any provider. */
const SCANNED = ['cli/src', 'worker/src'];

/**
 * Named on purpose. Each emulator's command is its provider's type id (`emulate s3`, `emulate
 * p115`), and `emulate s3` also suggests that remote name.
 */
const ALLOWED: Record<string, readonly string[]> = {
  'cli/src/commands/emulate-aliyun-open.ts': ['aliyun-open'],
  'cli/src/commands/emulate-p115.ts': ['p115'],
  'cli/src/commands/emulate-s3.ts': ['s3'],
};

/** The text of every string literal and template piece in `source`: messages, help, keys. */
function stringTexts(file: string, source: string): string[] {
  const texts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) texts.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true));
  return texts;
}

function escaped(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `word` standing alone: not part of a longer name (a hyphen joins names, as in aliyun-open). */
function wholeWord(word: string): RegExp {
  return new RegExp(`(?<![\\w-])${escaped(word)}(?![\\w-])`);
}

/** Every file of SCANNED with each provider name it holds, where not allowed. */
async function namedProviders(): Promise<string[]> {
  // Type ids made of ordinary words ('local') are named by a literal equal to them; the others by any mention in a string.
  const typeIds = listProviderFactories().map((f) => f.type);
  const exported = Object.keys(providers).filter((name) => name !== 'registerAllProviders');
  const found: string[] = [];
  for (const dir of SCANNED) {
    for (const file of await sourceFiles(join(PACKAGES, dir))) {
      const name = relative(PACKAGES, file);
      const allowed = ALLOWED[name];
      const source = await readFile(file, 'utf8');
      const texts = stringTexts(file, source);
      for (const type of typeIds) {
        if (allowed?.includes(type)) continue;
        const ordinaryWord = /^[a-z]+$/.test(type);
        const named = texts.some((text) => text === type || new RegExp(`:${escaped(type)}[,:]`).test(text) || (!ordinaryWord && wholeWord(type).test(text)));
        if (named) found.push(`${name}: type '${type}'`);
      }
      for (const symbol of exported) if (wholeWord(symbol).test(source)) found.push(`${name}: ${symbol}`);
    }
  }
  return found;
}

describe('provider names', () => {
  it('the CLI and the workers name no provider type, class, option schema or other provider export', async () => {
    expect(listProviderFactories().map((f) => f.type)).toEqual(expect.arrayContaining(['local', 'p115', 'p115-share', 'aliyun-open']));
    expect(Object.keys(providers)).toEqual(expect.arrayContaining(['P115Provider', 'p115Options', 'AliyunOpenProvider']));
    expect(await namedProviders()).toEqual([]);
  });

  it('the scan finds a type id and a class name where they are written', () => {
    const source = `const t = remote.type === 'p115' ? P115Provider : undefined; const help = \`an aliyun-open remote\`;`;
    const texts = stringTexts('x.ts', source);
    expect(texts).toContain('p115');
    expect(texts.some((t) => wholeWord('aliyun-open').test(t))).toBe(true);
    expect(wholeWord('P115Provider').test(source)).toBe(true);
    expect(wholeWord('p115').test('p115RemoteFor')).toBe(false);
  });
});
