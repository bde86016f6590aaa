/**
 * The shared timeouts of the provisioning worker's calls (src/provisioning/call-timeouts.ts), on a clock and timers
 * the test controls: a call is aborted no sooner than the timeout after it started and at most a sixteenth later;
 * calls that start together share one timer; a stop aborts them all; no timer outlives the calls.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../../src/connectors/connector.js';
import { CallTimeouts, type CallTimers } from '../../src/provisioning/call-timeouts.js';

/** A clock the test moves, and the timers set on it (fired by `advance`). */
function fakeTimers(): CallTimers & { advance(ms: number): void; pending(): number; at: number } {
  let at = 0;
  let serial = 0;
  const timers = new Map<number, { due: number; fire: () => void }>();
  return {
    get at() {
      return at;
    },
    now: () => at,
    set(fire, ms) {
      const id = ++serial;
      timers.set(id, { due: at + ms, fire });
      return id;
    },
    clear(id) {
      timers.delete(id as number);
    },
    advance(ms) {
      at += ms;
      for (const [id, t] of [...timers]) {
        if (t.due <= at) {
          timers.delete(id);
          t.fire();
        }
      }
    },
    pending: () => timers.size,
  };
}

describe('provisioning call timeouts', () => {
  it('aborts a call with a transient CONNECTOR_TIMEOUT once its timeout is up, and not before', () => {
    const timers = fakeTimers();
    const timeouts = new CallTimeouts(1600, new AbortController().signal, timers);
    const call = timeouts.start();
    timers.advance(1599);
    assert.equal(call.signal.aborted, false, 'not before the timeout');
    timers.advance(101); // past the timeout plus its slice (1600 / 16)
    assert.equal(call.signal.aborted, true);
    const reason = call.signal.reason as ConnectorError;
    assert.ok(reason instanceof ConnectorError);
    assert.equal(reason.code, 'CONNECTOR_TIMEOUT');
    assert.equal(reason.transient, true);
  });

  it('gives a call that starts late in a slice its whole timeout', () => {
    const timers = fakeTimers();
    const timeouts = new CallTimeouts(1600, new AbortController().signal, timers);
    const first = timeouts.start();
    timers.advance(99);
    const late = timeouts.start();
    assert.equal(late.signal, first.signal, 'calls that start within a slice share one signal');
    timers.advance(1599);
    assert.equal(late.signal.aborted, false, 'the late call has not had its 1600 ms yet');
    timers.advance(2);
    assert.equal(late.signal.aborted, true, 'aborted within a slice of its timeout');
    assert.equal(timers.pending(), 0);
  });

  it('opens a new slice for a call that starts after the last one closed', () => {
    const timers = fakeTimers();
    const timeouts = new CallTimeouts(1600, new AbortController().signal, timers);
    const first = timeouts.start();
    timers.advance(100);
    const second = timeouts.start();
    assert.notEqual(second.signal, first.signal);
    assert.equal(timers.pending(), 2);
  });

  it('clears the timer once the last call of a slice has answered, so nothing waits for it', () => {
    const timers = fakeTimers();
    const timeouts = new CallTimeouts(30_000, new AbortController().signal, timers);
    const a = timeouts.start();
    const b = timeouts.start();
    a.done();
    assert.equal(timers.pending(), 1, 'a call still runs');
    b.done();
    b.done(); // answering twice changes nothing
    assert.equal(timers.pending(), 0);
    const c = timeouts.start();
    assert.notEqual(c.signal, a.signal, 'a closed slice is not reused');
    assert.equal(c.signal.aborted, false);
  });

  it('aborts every call at once when the worker stops, with the stop’s reason', () => {
    const timers = fakeTimers();
    const stop = new AbortController();
    const timeouts = new CallTimeouts(1600, stop.signal, timers);
    const a = timeouts.start();
    timers.advance(500);
    const b = timeouts.start();
    stop.abort('stopping');
    assert.deepEqual([a.signal.aborted, b.signal.aborted, a.signal.reason, b.signal.reason], [true, true, 'stopping', 'stopping']);
    assert.equal(timeouts.start().signal.aborted, true, 'a call that starts after the stop is aborted already');
  });
});
