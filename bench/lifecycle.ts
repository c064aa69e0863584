/** Bookkeeping of a bench run: timed phases, and the children and connections to close at the end. */

export const say = (line: string): void => console.log(`[bench] ${line}`);

export interface PhaseTiming {
  name: string;
  seconds: number;
}

export class Phases {
  readonly timings: PhaseTiming[] = [];

  /** Runs one phase, printing its start and duration. */
  async run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    say(`${name}…`);
    const out = await work();
    const seconds = (performance.now() - started) / 1000;
    this.timings.push({ name, seconds });
    say(`${name}: ${seconds.toFixed(1)} s`);
    return out;
  }
}

/** Closers run once, newest first, at the end of the run or on SIGINT. */
export class Cleanup {
  private readonly closers: (() => Promise<unknown>)[] = [];
  private ran = false;

  add(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  async run(): Promise<void> {
    if (this.ran) return;
    this.ran = true;
    for (const close of this.closers.reverse()) {
      await close().catch((err: unknown) => console.error(`[bench] cleanup: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /** On Ctrl-C: stop children, then exit 130. A second Ctrl-C kills at once. */
  onInterrupt(): void {
    process.once('SIGINT', () => {
      say('interrupted: stopping children');
      void this.run().finally(() => process.exit(130));
    });
  }
}
