/**
 * What a worker did, counted while it runs and reported at a steady rate (`idflow worker`, `runWorker`'s
 * `onReport`).
 */
export interface WorkerActivity {
  /** Instances claimed (a claim of an instance whose previous worker died counts again). */
  readonly claimed: number;
  /** Advances committed: an instance moved to its next wait state or to its end. */
  readonly committed: number;
  /** Instances that ended (finished or terminated) in this worker's commits, the failed ones included. */
  readonly finished: number;
  /** Instances this worker ended as failed (refused by the database, corrupt, or their attempts exhausted). */
  readonly failed: number;
  /** Rounds that failed (the database busy, restarting or gone) and were retried after a backoff. */
  readonly retried: number;
  /** Instances whose lease this worker lost while it ran them (it stalled past the lease); another worker finishes them. */
  readonly lost: number;
  /** The longest an instance claimed in the period had been due (claim time minus its wake time), in milliseconds. */
  readonly lagMs: number;
  /** Length of the period these counts cover, in milliseconds. */
  readonly periodMs: number;
}

/** @internal Mutable counters behind {@link WorkerActivity}: its counts, and when their period began. */
export type WorkerCounters = { -readonly [K in Exclude<keyof WorkerActivity, 'periodMs'>]: number } & { since: number | undefined };

export function newWorkerCounters(): WorkerCounters {
  return { claimed: 0, committed: 0, finished: 0, failed: 0, retried: 0, lost: 0, lagMs: 0, since: undefined };
}

/** The counts since the last call (or since the start), and resets them. */
export function takeWorkerActivity(c: WorkerCounters, now: number): WorkerActivity {
  const { since = now, ...counts } = c;
  Object.assign(c, newWorkerCounters(), { since: now });
  return { ...counts, periodMs: Math.max(0, Math.round(now - since)) };
}
