/**
 * Purging aborted Netwrix instances through the real engine on a temp SQLite file: Netwrix instances are kept after
 * they end, only an aborted one may be purged, only by a holder of the Aborted permission of the activity where it
 * was aborted, and the purge deletes the instance and its work items but keeps (and adds to) its audit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WorkItemView } from '../../src/engine/engine-api.js';
import { errorCode, openRuntimeWorld, type RuntimeWorld } from './runtime-harness.js';
import { DATABASES } from '../repository/repository-factory.js';

for (const database of DATABASES) {
describe(database.name, () => {
  describe('purging an aborted instance', () => {
    let w: RuntimeWorld;
    before(async () => {
      w = await openRuntimeWorld(['purge.xml'], {}, database);
      const assign = (person: string, profile: string) => w.repository.profiles.assign(person, [profile], 'admin', w.now());
      await assign('pat', 'Purger');
      await assign('rex', 'ReviewPurger');
      await assign('pip', 'PurgedOnly');
      await assign('rita', 'Reviewer');
      await assign('wes', 'WholeReview');
    });
    after(() => w.close());

    const launch = async (): Promise<{ id: string; request: WorkItemView }> => {
      const r = await w.engine.launch({ definition: 'Purge_Request', launcher: 'alice' });
      assert.equal(r.workItems.length, 1);
      return { id: r.instance.id, request: r.workItems[0]! };
    };
    /** Launches, lets alice execute the request, and returns the review item. */
    const toReview = async (): Promise<{ id: string; review: WorkItemView }> => {
      const { id, request } = await launch();
      const executed = await w.engine.decide({ workItemId: request.id, decision: 'Execute', actor: 'alice' });
      return { id, review: executed.workItems[0]! };
    };

    it('keeps an aborted Netwrix instance and its work items after it ends', async () => {
      const { id, request } = await launch();
      await w.engine.decide({ workItemId: request.id, decision: 'Abort', actor: 'alice' });
      const kept = await w.engine.getTask(id);
      assert.equal(kept.state, 'finished');
      assert.equal(kept.result?.outcome, 'aborted');
      assert.equal(kept.expiresAt, undefined, 'kept until purged (resultLimit -1)');
      const items = await w.engine.listWorkItems({ instanceId: id, state: 'decided' });
      assert.deepEqual(items.map((i) => [i.decision, i.decidedBy]), [['Abort', 'alice']]);
    });

    it('purges an instance aborted in the request for a holder of Request/Aborted: instance and items go, the audit stays', async () => {
      const { id, request } = await launch();
      await w.engine.decide({ workItemId: request.id, decision: 'Abort', actor: 'alice' });
      const purged = await w.engine.purge(id, 'pat');
      assert.equal(purged.id, id);
      assert.equal(purged.result?.outcome, 'purged');
      assert.equal((await errorCode(() => w.engine.getTask(id))).code, 'TASK_NOT_FOUND');
      assert.deepEqual(await w.repository.runtime.listWorkItems({ instanceId: id }), []);
      const audit = await w.repository.runtime.listAudit({ instanceId: id });
      assert.deepEqual(audit.map((a) => a.event).slice(0, 1), ['launched']);
      const last = audit.at(-1)!;
      assert.equal(last.event, 'purged');
      assert.equal(last.actor, 'pat');
      assert.equal(last.activity, 'Request/ActionWithRefine-Aborted');
      assert.deepEqual(last.data, { activity: 'Request', permission: '/Custom/Workflows/Purge_Request/Request/Aborted' });
      assert.ok(audit.some((a) => a.event === 'decision' && a.data?.['decision'] === 'Abort'), 'the record of the abort is kept');
      assert.equal((await errorCode(() => w.engine.purge(id, 'pat'))).code, 'TASK_NOT_FOUND', 'a purged instance is gone');
    });

    it('checks the Aborted permission of the activity where the instance was aborted, not of another activity', async () => {
      const { id, request } = await launch();
      await w.engine.decide({ workItemId: request.id, decision: 'Abort', actor: 'alice' });
      const refused = await errorCode(() => w.engine.purge(id, 'rex'));
      assert.equal(refused.code, 'TASK_PURGE_NOT_ALLOWED');
      assert.match(refused.message, /\/Custom\/Workflows\/Purge_Request\/Request\/Aborted; rex does not hold it/);
      assert.equal((await w.engine.getTask(id)).result?.outcome, 'aborted', 'a refused purge changes nothing');

      const inReview = await toReview();
      await w.engine.decide({ workItemId: inReview.review.id, decision: 'Abort', actor: 'rita' });
      assert.equal((await errorCode(() => w.engine.purge(inReview.id, 'rita'))).code, 'TASK_PURGE_NOT_ALLOWED', 'aborting is not purging');
      await w.engine.purge(inReview.id, 'rex');
      assert.equal((await errorCode(() => w.engine.getTask(inReview.id))).code, 'TASK_NOT_FOUND');
    });

    it('does not let the Purged permission, the launcher or the person who aborted purge; a whole-activity grant does', async () => {
      const { id, review } = await toReview();
      await w.engine.decide({ workItemId: review.id, decision: 'Abort', actor: 'rita' });
      for (const person of ['pip', 'alice', 'rita']) {
        assert.equal((await errorCode(() => w.engine.purge(id, person))).code, 'TASK_PURGE_NOT_ALLOWED', person);
      }
      const purged = await w.engine.purge(id, 'wes');
      assert.equal(purged.result?.outcome, 'purged');
    });

    it('refuses to purge an instance that has not ended aborted and says why', async () => {
      const running = await launch();
      const waiting = await errorCode(() => w.engine.purge(running.id, 'pat'));
      assert.equal(waiting.code, 'TASK_NOT_PURGEABLE');
      assert.match(waiting.message, /is executing \(waiting\), not ended; only an instance that ended aborted can be purged/);

      const declined = await toReview();
      await w.engine.decide({ workItemId: declined.review.id, decision: 'Decline', actor: 'rita' });
      assert.match((await errorCode(() => w.engine.purge(declined.id, 'pat'))).message, /ended declined/);

      const approved = await toReview();
      await w.engine.decide({ workItemId: approved.review.id, decision: 'Approve', actor: 'rita' });
      assert.equal((await w.engine.getTask(approved.id)).result?.outcome, 'completed');
      assert.match((await errorCode(() => w.engine.purge(approved.id, 'pat'))).message, /ended completed/);

      await w.engine.terminate(running.id, 'admin');
      const terminated = await errorCode(() => w.engine.purge(running.id, 'pat'));
      assert.equal(terminated.code, 'TASK_NOT_PURGEABLE');
      assert.match(terminated.message, /was terminated/);
      assert.equal((await errorCode(() => w.engine.purge('no-such-id', 'pat'))).code, 'TASK_NOT_FOUND');
    });
  });
});
}
