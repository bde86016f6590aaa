/**
 * TaskSchedules with a cron expression and a time zone, beside repeat periods: read and checked at import, run at
 * their local hour across daylight-saving changes, listed with their next runs. Times come from the test's clock.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DiagnosticBag } from '../../src/definition/diagnostic.js';
import { loadDocument } from '../../src/definition/load.js';
import type { TaskScheduleObject } from '../../src/definition/model/objects.js';
import { nextOccurrence } from '../../src/engine/schedules.js';
import type { ScheduleStateRecord } from '../../src/repository/runtime-store.js';
import { openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';

function schedule(attrs: string): { schedule?: TaskScheduleObject; errors: string[] } {
  const diags = new DiagnosticBag();
  const objects = loadDocument(`<TaskSchedule name='Daily' definition='Approval' ${attrs}/>`, 'daily.xml', diags);
  return {
    ...(objects[0] && { schedule: objects[0].object as TaskScheduleObject }),
    errors: diags.errors.map((d) => `${d.code} ${d.message}`),
  };
}

/** Runs the schedule's occurrences one by one up to `until`, as the worker would; returns their times. */
function runsUntil(s: TaskScheduleObject, until: number): string[] {
  const out: string[] = [];
  let state: ScheduleStateRecord | undefined;
  for (let o = nextOccurrence(s, state, until); o; o = nextOccurrence(s, state, until)) {
    out.push(new Date(o.at).toISOString());
    state = o.next;
  }
  return out;
}

describe('cron TaskSchedules', () => {
  it('keeps a daily run at its local hour across the spring and autumn changes', () => {
    const { schedule: s, errors } = schedule(`start='2025-03-28' cron='0 9 * * *' timezone='Europe/Paris'`);
    assert.deepEqual(errors, []);
    assert.deepEqual(runsUntil(s!, Date.parse('2025-03-31T12:00:00Z')), [
      '2025-03-28T08:00:00.000Z',
      '2025-03-29T08:00:00.000Z',
      '2025-03-30T07:00:00.000Z',
      '2025-03-31T07:00:00.000Z',
    ]);
    const autumn = schedule(`start='2025-10-25' cron='0 9 * * *' timezone='Europe/Paris'`).schedule!;
    assert.deepEqual(runsUntil(autumn, Date.parse('2025-10-27T12:00:00Z')), ['2025-10-25T07:00:00.000Z', '2025-10-26T08:00:00.000Z', '2025-10-27T08:00:00.000Z']);
  });

  it('reads cron times in UTC without a time zone, and runs only the latest missed one with skipMissed', () => {
    const s = schedule(`start='2025-01-01' cron='30 6 * * 1-5' skipMissed='true'`).schedule!;
    const o = nextOccurrence(s, undefined, Date.parse('2025-01-10T12:00:00Z'))!;
    assert.equal(new Date(o.at).toISOString(), '2025-01-10T06:30:00.000Z');
    assert.equal(o.skipped?.count, 7, 'the seven weekdays from Wednesday 1 to Thursday 9');
    assert.equal(new Date(o.next.nextRun!).toISOString(), '2025-01-13T06:30:00.000Z', 'then Monday');
  });

  it('refuses a cron expression, a time zone or a mix it cannot run, at import', () => {
    assert.match(schedule(`start='2025-01-01' cron='61 * * * *'`).errors.join('\n'), /DEF_BAD_VALUE cron='61 \* \* \* \*' .* is not a cron expression/);
    assert.match(schedule(`start='2025-01-01' cron='0 9 * * *' timezone='Mars/Olympus'`).errors.join('\n'), /DEF_BAD_VALUE timezone='Mars\/Olympus' .* is not an IANA time zone/);
    assert.match(schedule(`start='2025-01-01' cron='0 9 * * *' repeatUnit='day' repeatCount='3'`).errors.join('\n'), /both cron= and repeatUnit=/);
    assert.match(schedule(`start='2025-01-01' timezone='UTC'`).errors.join('\n'), /timezone= .* goes with cron=/);
  });

  describe('in the engine', () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld();
      const diags = new DiagnosticBag();
      // The world's clock starts at 2030-01-01T00:00Z.
      const xml = `<TaskSchedule name='Morning' definition='Approval' start='2030-01-01' cron='0 9 * * *' timezone='America/New_York' repeatCount='3'>
  <Variables><Map><MapEntry key='approver' value='alice'/></Map></Variables>
</TaskSchedule>`;
      await w.repository.objects.putMany(loadDocument(xml, 'morning.xml', diags));
      assert.deepEqual(diags.items, []);
    });
    after(() => w.close());

    it('lists the next runs of a cron schedule and launches each when its time comes', async () => {
      const [listed] = await w.engine.listSchedules();
      assert.deepEqual(listed?.nextRuns, ['2030-01-01T14:00:00.000Z', '2030-01-02T14:00:00.000Z', '2030-01-03T14:00:00.000Z']);
      assert.equal((await w.engine.runWorkerOnce()).scheduled, 0, 'nothing is due at midnight');
      w.advance(14 * 3_600_000);
      assert.equal((await w.engine.runWorkerOnce()).scheduled, 1);
      const [after] = await w.engine.listSchedules();
      assert.deepEqual(after?.nextRuns, ['2030-01-02T14:00:00.000Z', '2030-01-03T14:00:00.000Z'], 'two runs of three left');
    });
  });
});
