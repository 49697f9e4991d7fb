// VALIDATE CONNECTION while IAM propagates a new role or trust policy: a fresh change can take seconds to
// be visible to STS, so an authorization failure is retried with bounded, growing waits.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface Backoff {
  /** Give up once this much time has passed (ms). */
  timeoutMs: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * What STS says while a change propagates: not authorized, or (a trust policy being replaced) the old
 * policy's verdict. Anything else (an unknown connection, no privilege in Materialize) will not heal.
 */
export function isPropagationFailure(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    e?.code === '58000' &&
    /not authorized to perform: sts:AssumeRole|AccessDenied|does not require an external ID|InvalidClientTokenId/i.test(
      e.message ?? '',
    )
  );
}

export interface RetryOutcome {
  attempts: number;
}

/** Runs `attempt` until it succeeds, fails for good, or the time is up; rethrows the last failure with the count. */
export async function retryWhilePropagating(
  attempt: () => Promise<void>,
  backoff: Backoff,
  clock: Clock = realClock,
): Promise<RetryOutcome> {
  const start = clock.now();
  let delay = backoff.firstDelayMs ?? 1000;
  const maxDelay = backoff.maxDelayMs ?? 10_000;
  for (let attempts = 1; ; attempts++) {
    try {
      await attempt();
      return { attempts };
    } catch (err) {
      const left = start + backoff.timeoutMs - clock.now();
      if (!isPropagationFailure(err) || left <= 0) throw Object.assign(err as Error, { attempts });
      await clock.sleep(Math.min(delay, left));
      delay = Math.min(delay * 2, maxDelay);
    }
  }
}
