/**
 * notifications/progress for tools that can run for more than about a second. A client asks for
 * progress by sending a progressToken in the request's _meta; without one, nothing is sent.
 * Long single statements report a heartbeat: how long the work has been running, so the client
 * knows it is alive (and, with the SDK's resetTimeoutOnProgress, keeps waiting).
 */

export const PROGRESS_INTERVAL_MS = 500;

type ProgressToken = string | number;

interface ProgressNotification {
  method: 'notifications/progress';
  params: { progressToken: ProgressToken; progress: number; total?: number; message?: string };
}

/** What the SDK hands a tool callback, as far as progress needs it. */
export interface ProgressExtra {
  readonly _meta?: Record<string, unknown> | undefined;
  readonly sendNotification?: (notification: ProgressNotification) => Promise<void>;
}

export interface Progress {
  /** Runs `work`, sending a notification every PROGRESS_INTERVAL_MS while it runs (when the client asked). */
  during<T>(label: string, work: () => Promise<T>): Promise<T>;
}

const silent: Progress = { during: (_label, work) => work() };

export function progressFor(extra: ProgressExtra): Progress {
  const token = extra._meta?.progressToken;
  const send = extra.sendNotification;
  if ((typeof token !== 'string' && typeof token !== 'number') || !send) return silent;
  let progress = 0;
  return {
    async during(label, work) {
      const started = performance.now();
      const timer = setInterval(() => {
        progress += 1;
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        // A lost notification is no reason to fail the call.
        send({ method: 'notifications/progress', params: { progressToken: token, progress, message: `${label}: ${seconds} s` } }).catch(() => undefined);
      }, PROGRESS_INTERVAL_MS);
      try {
        return await work();
      } finally {
        clearInterval(timer);
      }
    },
  };
}
