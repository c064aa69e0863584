import { ShuttingDownError } from './errors.js';

/**
 * What a call may ask of shutdown: whether its grace period is over (`stopped`), and leave to
 * commit. The write path (src/db/transaction.ts) asks just before COMMIT: after the grace period a
 * call is refused there and rolled back, so a call answered "not applied" never commits.
 */
export interface CallGate {
  /** Aborted when shutdown's grace period ends with this call still running. */
  readonly stopped: AbortSignal;
  /** Ids of the records whose COMMIT is under way; undefined when none is. */
  readonly committing: readonly string[] | undefined;
  /** True once a COMMIT of this call succeeded: its answer must be waited for, never replaced. */
  readonly committed: boolean;
  /** Just before COMMIT: throws ShuttingDownError once the grace period is over. */
  enterCommit(ids: readonly string[]): void;
  /** After COMMIT: `applied` when it succeeded. */
  leaveCommit(applied: boolean): void;
}

class Gate implements CallGate {
  private readonly controller = new AbortController();
  committing: readonly string[] | undefined;
  committed = false;

  get stopped(): AbortSignal {
    return this.controller.signal;
  }

  enterCommit(ids: readonly string[]): void {
    if (this.controller.signal.aborted) throw new ShuttingDownError(true);
    this.committing = ids;
  }

  leaveCommit(applied: boolean): void {
    this.committing = undefined;
    if (applied) this.committed = true;
  }

  stop(): void {
    this.controller.abort();
  }
}

/** Counts calls under way so shutdown can wait for them (bounded), then stop the ones left. */
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];
  private readonly gates = new Set<Gate>();
  private acceptingCalls = true;

  get size(): number {
    return this.count;
  }

  /** False once shutdown began: new calls are answered "shutting down". */
  get accepting(): boolean {
    return this.acceptingCalls;
  }

  stopAccepting(): void {
    this.acceptingCalls = false;
  }

  async run<T>(work: (gate: CallGate) => Promise<T>): Promise<T> {
    const gate = new Gate();
    this.count += 1;
    this.gates.add(gate);
    try {
      return await work(gate);
    } finally {
      this.gates.delete(gate);
      this.count -= 1;
      if (this.count === 0) for (const w of this.waiters.splice(0)) w();
    }
  }

  /** Resolves true when idle, false when `timeoutMs` passed first. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.count === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** The grace period is over: every call still running is told to stop; returns how many. */
  stopRemaining(): number {
    for (const gate of this.gates) gate.stop();
    return this.gates.size;
  }
}
