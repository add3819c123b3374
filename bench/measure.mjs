// Timing and peak memory of child processes. Peak RSS comes from GNU time (wait4's ru_maxrss):
// a parent cannot read a child's VmHWM once it has exited, and polling /proc misses short peaks.
import { spawn, spawnSync } from 'node:child_process';
import { promises as fs, accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

/** The tool failed or gave a wrong answer: the run is not a measurement, so the bench exits non-zero. */
export class ToolError extends Error {}

/** Names of required programs that are missing, so the bench can stop before spending minutes. */
export function missingPrograms(names) {
  return names.filter((name) => {
    if (name.startsWith('/')) {
      try {
        accessSync(name, constants.X_OK);
        return false;
      } catch {
        return true;
      }
    }
    return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status !== 0;
  });
}

// Only the tail is kept: a tool's progress output can be long, and only its last words explain a failure.
function tail(buf, limit = 4000) {
  const s = buf.toString();
  return s.length > limit ? `...${s.slice(-limit)}` : s;
}

/**
 * Runs `cmd args` under GNU time and returns wall seconds (measured here, monotonic clock),
 * the child's peak RSS in KiB, and its stdout. A non-zero exit throws ToolError.
 */
export async function runTimed(cmd, args, { env = process.env, cwd } = {}) {
  const dir = await fs.mkdtemp(join(tmpdir(), 'ferry-bench-'));
  const out = join(dir, 'time');
  try {
    const started = process.hrtime.bigint();
    const { code, signal, stdout, stderr } = await new Promise((resolve, reject) => {
      const child = spawn(GNU_TIME, ['-f', '%M', '-o', out, cmd, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      const so = [];
      const se = [];
      child.stdout.on('data', (d) => so.push(d));
      child.stderr.on('data', (d) => se.push(d));
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(so), stderr: Buffer.concat(se) }));
    });
    const wallS = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) {
      throw new ToolError(`${cmd} ${args.join(' ')} exited ${code ?? signal}:\n${tail(stderr) || tail(stdout)}`);
    }
    // GNU time writes "Command exited..." lines before the figure on failure; the figure is the last line.
    const lines = (await fs.readFile(out, 'utf8')).trim().split('\n');
    const maxRssKiB = Number(lines[lines.length - 1]);
    return { wallS, maxRssKiB, stdout: stdout.toString() };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Runs a shell step whose time does not count (cache warming, sync, cleanup); throws on failure. */
export function runUntimed(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new ToolError(`${cmd} ${args.join(' ')} failed: ${tail(r.stderr ?? '')}`);
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
