import picomatch from 'picomatch';
import type { Entry } from './entry.js';

/** One line of a `--filter-from` file: `+ glob` includes, `- glob` excludes; the first match wins. */
export interface FilterRule {
  action: '+' | '-';
  pattern: string;
}

/**
 * Everything that picks the files of a run, as plain data (it travels in job data and schedules).
 * Sizes are bytes; ages are milliseconds before the moment the filter is built (rclone's --min-age
 * and --max-age count from when the run starts).
 */
export interface FilterRules {
  include?: readonly string[];
  exclude?: readonly string[];
  /** `--filter-from` lines, in file order. */
  rules?: readonly FilterRule[];
  minSize?: number;
  maxSize?: number;
  minAge?: number;
  maxAge?: number;
  /** Exactly these paths (relative to the source root), as a `--report` lists them. */
  only?: readonly string[];
}

type Matcher = (path: string) => boolean;

/**
 * The one place that decides which files a run takes, on paths relative to the transfer root.
 * Globs in rclone's spirit: a pattern without a slash matches the name at any depth, one with a
 * slash the whole relative path. A file is taken when no --exclude matches it, some --include
 * does (when any are given), the first --filter-from rule matching it is a `+` (or none matches),
 * and its size and modification time are within the limits. A file without a time passes the
 * age limits: nothing says it is too old or too new.
 */
export class PathFilter {
  private readonly include: Matcher[];
  private readonly exclude: Matcher[];
  private readonly excludeDirs: Matcher[];
  private readonly rules: { action: '+' | '-'; file: Matcher; dir?: Matcher }[];
  private readonly only: Set<string> | undefined;
  private readonly onlyDirs: Set<string> | undefined;
  private readonly minSize: number | undefined;
  private readonly maxSize: number | undefined;
  /** mtime bounds (ms since the epoch) from the ages. */
  private readonly newestMtime: number | undefined;
  private readonly oldestMtime: number | undefined;

  constructor(rules: FilterRules = {}, now = Date.now()) {
    this.include = (rules.include ?? []).map(compile);
    this.exclude = (rules.exclude ?? []).map(compile);
    // "dir/**" excludes "dir" itself, so the walk never enters it.
    this.excludeDirs = (rules.exclude ?? []).filter((p) => p.endsWith('/**')).map((p) => compile(p.slice(0, -3)));
    this.rules = (rules.rules ?? []).map((r) => ({
      action: r.action,
      file: compile(r.pattern),
      ...(r.pattern.endsWith('/**') ? { dir: compile(r.pattern.slice(0, -3)) } : {}),
    }));
    if (rules.only) {
      this.only = new Set(rules.only);
      this.onlyDirs = new Set();
      for (const path of rules.only) {
        for (let i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) this.onlyDirs.add(path.slice(0, i));
      }
    }
    this.minSize = rules.minSize;
    this.maxSize = rules.maxSize;
    this.newestMtime = rules.minAge === undefined ? undefined : now - rules.minAge;
    this.oldestMtime = rules.maxAge === undefined ? undefined : now - rules.maxAge;
  }

  get isEmpty(): boolean {
    return (
      this.include.length === 0 &&
      this.exclude.length === 0 &&
      this.rules.length === 0 &&
      this.only === undefined &&
      this.minSize === undefined &&
      this.maxSize === undefined &&
      this.newestMtime === undefined &&
      this.oldestMtime === undefined
    );
  }

  /** Whether the run takes this file; without `entry`, by its path alone. */
  includesFile(rel: string, entry?: Pick<Entry, 'size' | 'mtime'>): boolean {
    if (this.only && !this.only.has(rel)) return false;
    if (this.exclude.some((m) => m(rel))) return false;
    if (this.include.length > 0 && !this.include.some((m) => m(rel))) return false;
    if (this.rules.find((r) => r.file(rel))?.action === '-') return false;
    if (!entry) return true;
    if (this.minSize !== undefined && entry.size < this.minSize) return false;
    if (this.maxSize !== undefined && entry.size > this.maxSize) return false;
    if (entry.mtime !== undefined) {
      if (this.newestMtime !== undefined && entry.mtime > this.newestMtime) return false;
      if (this.oldestMtime !== undefined && entry.mtime < this.oldestMtime) return false;
    }
    return true;
  }

  /**
   * Whether the walk should descend into a folder. Includes never prune folders; a filter-from
   * `- dir/**` does only when no `+` rule comes before it (that rule might take something inside).
   */
  includesDir(rel: string): boolean {
    if (this.onlyDirs && !this.onlyDirs.has(rel)) return false;
    if (this.exclude.some((m) => m(rel)) || this.excludeDirs.some((m) => m(rel))) return false;
    for (const rule of this.rules) {
      if (rule.action === '+') return true;
      if (rule.dir?.(rel)) return false;
    }
    return true;
  }
}

function compile(pattern: string): Matcher {
  const anchored = pattern.startsWith('/') ? pattern.slice(1) : pattern;
  return picomatch(anchored, { dot: true, basename: !pattern.includes('/') });
}

/**
 * A `--filter-from` file's text as rules: `+ glob` or `- glob` per line, blank lines and lines
 * starting with `#` or `;` skipped (as rclone reads them). Returns the first bad line's number
 * instead when there is one.
 */
export function parseFilterRules(text: string): FilterRule[] | { badLine: number; line: string } {
  const rules: FilterRule[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^([+-]) (.+)$/.exec(line);
    if (!m) return { badLine: i + 1, line };
    rules.push({ action: m[1] as '+' | '-', pattern: m[2]!.trim() });
  }
  return rules;
}
