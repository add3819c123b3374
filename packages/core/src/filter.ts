import picomatch from 'picomatch';

export interface FilterRules {
  include?: readonly string[];
  exclude?: readonly string[];
}

/**
 * Include/exclude globs on paths relative to the transfer root, in rclone's spirit: a pattern
 * without a slash matches the name at any depth, one with a slash matches the whole relative path.
 * Excludes win; when includes are given, a file must match one of them.
 */
export class PathFilter {
  private readonly include: ((path: string) => boolean)[];
  private readonly exclude: ((path: string) => boolean)[];
  private readonly excludeDirs: ((path: string) => boolean)[];

  constructor(rules: FilterRules = {}) {
    this.include = (rules.include ?? []).map(compile);
    this.exclude = (rules.exclude ?? []).map(compile);
    // "dir/**" excludes "dir" itself, so the walk never enters it.
    this.excludeDirs = (rules.exclude ?? [])
      .filter((p) => p.endsWith('/**'))
      .map((p) => compile(p.slice(0, -3)));
  }

  get isEmpty(): boolean {
    return this.include.length === 0 && this.exclude.length === 0;
  }

  includesFile(rel: string): boolean {
    if (this.exclude.some((m) => m(rel))) return false;
    return this.include.length === 0 || this.include.some((m) => m(rel));
  }

  /** Whether the walk should descend into a folder. Includes never prune folders. */
  includesDir(rel: string): boolean {
    return !this.exclude.some((m) => m(rel)) && !this.excludeDirs.some((m) => m(rel));
  }
}

function compile(pattern: string): (path: string) => boolean {
  const anchored = pattern.startsWith('/') ? pattern.slice(1) : pattern;
  return picomatch(anchored, { dot: true, basename: !pattern.includes('/') });
}
