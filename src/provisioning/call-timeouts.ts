/**
 * The abort signals of the provisioning worker's calls: each call gives up after `timeoutMs` (a transient
 * `CONNECTOR_TIMEOUT`) or when the worker stops, whichever comes first.
 *
 * Why shared: a controller, a listener on the stop signal and a timer per call were a measurable part of an order's
 * CPU at a thousand orders a second, and a timeout of seconds needs no millisecond precision. So the calls that start
 * within the same slice of time (a sixteenth of the timeout) share one controller, one stop listener and one timer,
 * set to fire `timeoutMs` after the slice ends: every call is aborted no sooner than `timeoutMs` after it started
 * and at most one slice later. The timer is cleared as soon as the slice's last call has answered, so nothing keeps
 * the process alive after the calls are done.
 */
import { setMaxListeners } from 'node:events';
import { ConnectorError } from '../connectors/connector.js';

interface Slice {
  readonly controller: AbortController;
  /** The clock's time after which a call no longer joins this slice. */
  readonly closesAt: number;
  calls: number;
  timer: unknown;
  readonly onStop: () => void;
}

/** A call's signal and what it must call once it has answered. */
export interface CallSignal {
  readonly signal: AbortSignal;
  done(): void;
}

/** The clock and timers the slices run on (a test gives its own). */
export interface CallTimers {
  now(): number;
  set(fire: () => void, ms: number): unknown;
  clear(timer: unknown): void;
}

const REAL_TIMERS: CallTimers = {
  now: () => performance.now(),
  set: (fire, ms) => setTimeout(fire, ms),
  clear: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

export class CallTimeouts {
  readonly #timeoutMs: number;
  readonly #sliceMs: number;
  readonly #stop: AbortSignal;
  readonly #timers: CallTimers;
  #open: Slice | undefined;

  /** `stop` aborts every call at once (the worker stopping). */
  constructor(timeoutMs: number, stop: AbortSignal, timers: CallTimers = REAL_TIMERS) {
    this.#timeoutMs = timeoutMs;
    this.#sliceMs = Math.max(1, Math.floor(timeoutMs / 16));
    this.#stop = stop;
    this.#timers = timers;
  }

  /** The signal for a call that starts now. */
  start(): CallSignal {
    const now = this.#timers.now();
    let slice = this.#open;
    if (slice === undefined || now >= slice.closesAt || slice.controller.signal.aborted) slice = this.#open = this.#slice(now);
    slice.calls++;
    const joined = slice;
    let finished = false;
    return {
      signal: joined.controller.signal,
      done: () => {
        if (finished) return;
        finished = true;
        if (--joined.calls === 0) this.#close(joined);
      },
    };
  }

  #slice(now: number): Slice {
    const controller = new AbortController();
    // Every call of the slice (and the LDAP pool under it) listens to this one signal.
    setMaxListeners(0, controller.signal);
    const onStop = (): void => controller.abort(this.#stop.reason);
    const slice: Slice = { controller, closesAt: now + this.#sliceMs, calls: 0, timer: undefined, onStop };
    if (this.#stop.aborted) controller.abort(this.#stop.reason);
    else {
      this.#stop.addEventListener('abort', onStop, { once: true });
      slice.timer = this.#timers.set(
        () => controller.abort(new ConnectorError('CONNECTOR_TIMEOUT', `no answer within ${this.#timeoutMs} ms`, { transient: true })),
        this.#sliceMs + this.#timeoutMs,
      );
    }
    return slice;
  }

  /** The slice's last call answered: its timer and stop listener go; a later call opens a new slice. */
  #close(slice: Slice): void {
    if (slice.timer !== undefined) this.#timers.clear(slice.timer);
    slice.timer = undefined;
    this.#stop.removeEventListener('abort', slice.onStop);
    if (this.#open === slice) this.#open = undefined;
  }
}
