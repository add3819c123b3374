import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CheckpointHandle, FileCheckpoint } from './checkpoint.js';

type Line = { t: 'cp'; rel: string; cp: FileCheckpoint } | { t: 'clear'; rel: string };

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FERRY_STATE_DIR) return env.FERRY_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'ferry');
}

/** One journal per (mode, source, target), so running the same command again finds it. */
export function journalPath(stateDir: string, key: string): string {
  const id = createHash('sha1').update(key).digest('hex').slice(0, 16);
  return join(stateDir, 'journal', `${id}.jsonl`);
}

/**
 * The in-process runner's memory across crashes: an append-only file of upload checkpoints. Appends survive a SIGKILL (they are in the kernel once written); a torn last line from a
 * power cut is ignored on load.
 */
export class Journal {
  private readonly checkpoints = new Map<string, FileCheckpoint>();
  private buffered: string[] = [];
  private writes: Promise<void> | undefined;

  private constructor(readonly path: string, private readonly handle: fs.FileHandle) {}

  static async open(path: string): Promise<Journal> {
    await fs.mkdir(dirname(path), { recursive: true, mode: 0o700 });
    let text = '';
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const journal = new Journal(path, await fs.open(path, 'a', 0o600));
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue;
      }
      journal.apply(line);
    }
    return journal;
  }

  private apply(line: Line): void {
    if (line.t === 'cp') this.checkpoints.set(line.rel, line.cp);
    else this.checkpoints.delete(line.rel);
  }

  private append(line: Line): Promise<void> {
    this.apply(line);
    this.buffered.push(JSON.stringify(line));
    // Group commit: lines that arrive while a write is under way go out together in the next.
    this.writes ??= this.flush();
    return this.writes;
  }

  private async flush(): Promise<void> {
    await Promise.resolve();
    try {
      while (this.buffered.length > 0) {
        const text = this.buffered.join('\n') + '\n';
        this.buffered = [];
        await this.handle.appendFile(text);
      }
    } finally {
      this.writes = undefined;
    }
  }

  get pendingCheckpoints(): number {
    return this.checkpoints.size;
  }

  checkpointFor(rel: string): CheckpointHandle {
    return {
      load: async () => this.checkpoints.get(rel),
      save: (cp) => this.append({ t: 'cp', rel, cp }),
      clear: async () => {
        if (this.checkpoints.has(rel)) await this.append({ t: 'clear', rel });
      },
    };
  }

  async close(): Promise<void> {
    await this.writes;
    await this.handle.close();
  }

  /** A run that finished cleanly has nothing left to resume. */
  async discard(): Promise<void> {
    await this.close();
    await fs.rm(this.path, { force: true });
  }
}
