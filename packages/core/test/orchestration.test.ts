import { describe, expect, it } from 'vitest';
import {
  type Action,
  BadInput,
  type CopyOutcome,
  type DeleteLimit,
  type Executor,
  type FailedFile,
  type Location,
  type PlannedFile,
  type PlannedRun,
  type RunEvent,
  type RunOutcomes,
  type RunSummary,
  announce,
  copyFile,
  errorMessage,
  fileFailedEvent,
  finishRun,
  intakePlan,
  plan,
  runTransfer,
} from '../src/index.js';
import { MemoryProvider } from '../src/testing/index.js';

const at = (provider: MemoryProvider, path = '/'): Location => ({ provider, path, display: `${provider.remote}:${path}` });

/**
 * The shape of a queued run in one process: copies are only written down while planning and run
 * one by one once the plan has ended, and the plan's record crosses a JSON round trip between the
 * two halves, as it crosses Redis between a transfer job's steps.
 */
class DeferredExecutor implements Executor {
  private readonly todo: PlannedFile[] = [];
  constructor(
    private readonly source: MemoryProvider,
    private readonly target: MemoryProvider,
    private readonly emit: (e: RunEvent) => void,
  ) {}
  async copy(file: PlannedFile): Promise<void> {
    this.todo.push(file);
  }
  async skip(_action: Extract<Action, { kind: 'skip' }>): Promise<boolean> {
    return false;
  }
  async planEnded(): Promise<void> {}
  async outcomes(): Promise<RunOutcomes> {
    const results: CopyOutcome[] = [];
    const failed: FailedFile[] = [];
    for (const file of this.todo) {
      try {
        const { outcome } = await copyFile(file, { source: this.source, target: this.target, emit: this.emit });
        results.push(announce(outcome, this.emit));
      } catch (err) {
        failed.push({ rel: file.rel, message: errorMessage(err) });
        this.emit(fileFailedEvent(file, errorMessage(err)));
      }
    }
    return { results, failed };
  }
}

interface Sides {
  src: MemoryProvider;
  dst: MemoryProvider;
}

async function bothExecutors(make: () => Sides, sync: { maxDelete?: DeleteLimit } = {}) {
  const options = { mode: 'sync' as const, deleteExtraneous: true, ...sync };
  const a = make();
  const poolEvents: RunEvent[] = [];
  // One at a time, so a failure that depends on the order of parts hits the same file in both.
  const pool = await runTransfer({ source: at(a.src), target: at(a.dst), ...options, transfers: 1, retries: 0, onEvent: (e) => poolEvents.push(e) });

  const b = make();
  const deferredEvents: RunEvent[] = [];
  const emit = (e: RunEvent) => deferredEvents.push(e);
  const executor = new DeferredExecutor(b.src, b.dst, emit);
  const planned = await intakePlan(plan({ source: at(b.src), target: at(b.dst), ...options }), executor, { emit });
  const stored = JSON.parse(JSON.stringify(planned)) as PlannedRun;
  const deferred = await finishRun(stored, await executor.outcomes(), { emit, ...sync, target: () => b.dst });
  return { pool, poolEvents, deferred, deferredEvents, a, b };
}

const totals = ({ durationMs: _d, ...s }: RunSummary) => s;
const contents = (p: MemoryProvider) => Object.fromEntries([...p.files].map(([k, v]) => [k, v.data.toString()]));
const kinds = (events: RunEvent[]) => events.map((e) => e.type).sort();

describe('one orchestration, two executors', () => {
  it('copies, skips, renamed duplicates, failures and pending deletions sum up alike', async () => {
    const make = (): Sides => {
      const src = new MemoryProvider('src', { listSha1: true });
      src.put('/docs/a.txt', 'a', 1_000_000);
      src.put('/docs/b.txt', 'b', 1_000_000);
      src.put('/docs/notes.md', 'short', 1_000_000, '30');
      src.putSameName('/docs/notes.md', 'longer notes', '4', 1_000_000);
      src.put('/keep.txt', 'kept', 1_000_000);
      src.extraNames.set('/', ['../evil']);
      let parts = 0;
      const dst = new MemoryProvider('dst', {
        beforePart: () => {
          if (++parts === 3) throw new BadInput('the target refused this one');
        },
      });
      dst.put('/keep.txt', 'kept', 1_000_000);
      dst.put('/gone.txt', 'not on the source');
      return { src, dst };
    };
    const { pool, poolEvents, deferred, deferredEvents, a, b } = await bothExecutors(make);
    expect(pool).toMatchObject({ copied: 3, skipped: 1, failed: 2, renamedDuplicates: 1, deletesPending: 1, deleted: 0 });
    expect(totals(deferred)).toEqual(totals(pool));
    expect(kinds(deferredEvents)).toEqual(kinds(poolEvents));
    expect(contents(b.dst)).toEqual(contents(a.dst));
  });

  it('held-back deletions, and deletions after a clean run, come out alike', async () => {
    const make = (): Sides => {
      const src = new MemoryProvider('src');
      const dst = new MemoryProvider('dst');
      src.put('/a.txt', 'a');
      for (let i = 0; i < 3; i++) dst.put(`/old${i}.txt`, 'old');
      return { src, dst };
    };
    const held = await bothExecutors(make);
    expect(held.pool).toMatchObject({ copied: 1, deletesHeld: 3, deleted: 0 });
    expect(totals(held.deferred)).toEqual(totals(held.pool));
    expect(kinds(held.deferredEvents)).toEqual(kinds(held.poolEvents));

    const lifted = await bothExecutors(make, { maxDelete: { percent: 100 } });
    expect(lifted.pool).toMatchObject({ copied: 1, deleted: 3, deletesHeld: 0 });
    expect(totals(lifted.deferred)).toEqual(totals(lifted.pool));
    expect(contents(lifted.b.dst)).toEqual(contents(lifted.a.dst));
  });
});
