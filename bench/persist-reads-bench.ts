/**
 * CPU of a joiner's Persist, the parts perf-persist changed (docs/decisions/persist-reads.md), in any checkout:
 * planning the change set (the identity-store reads, the birthright rules) and applying the identity writes of
 * `count` joiners on an SQLite file (100 per transaction), and as many out-of-office lookups. No LDAP, no engine:
 * the figures compare two checkouts in the same conditions, best of `reps` runs.
 *
 *   node --import tsx bench/persist-reads-bench.ts [CHECKOUT=.] [count=2000] [reps=5]
 *   e.g. the same against main: node --import tsx bench/persist-reads-bench.ts /work/main
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [treeArg = '.', countArg = '2000', repsArg = '5'] = process.argv.slice(2);
const tree = resolve(treeArg);
const count = Number(countArg);
const reps = Number(repsArg);
// Another checkout's modules, so the same code measures both: typed loosely on purpose.
const load = async (path: string): Promise<any> => import(pathToFileURL(join(tree, path)).href);
const { openRepository } = await load('src/repository/open-repository.ts');
const { planChangeSetWithBirthright } = await load('src/identity/plan-change-set.ts');
const { IdentityOverlay } = await load('src/identity/identity-overlay.ts');
const { readNetwrixChangeSet } = await load('src/identity/netwrix-change-set.ts');
const { parseBirthrightRule } = await load('src/identity/birthright.ts');

const cpuUs = (since: NodeJS.CpuUsage): number => {
  const u = process.cpuUsage(since);
  return u.user + u.system;
};
const best = { plan: Infinity, write: Infinity, absences: Infinity };
const NOW = Date.parse('2027-01-04T09:00:00Z');
for (let rep = 0; rep < reps; rep++) {
  const dir = mkdtempSync(join(tmpdir(), 'idflow-persist-reads-'));
  const repo = await openRepository({ db: join(dir, 'bench.db'), env: {} });
  await repo.identities.putResource({
    id: 'res-directory', kind: 'application', name: 'directory', nameKey: 'directory', displayName: null, description: null, connector: 'ldap',
    targetKey: null, owners: [], birthright: parseBirthrightRule('all'), createdAt: NOW, updatedAt: NOW,
  });
  let plan = 0;
  let write = 0;
  for (let from = 0; from < count; from += 100) {
    const writes: unknown[] = [];
    const t = process.cpuUsage();
    for (let i = from; i < Math.min(count, from + 100); i++) {
      const login = `r${rep}-${i}`;
      const changes = readNetwrixChangeSet({ EmployeeId: `E${rep}-${i}`, Login: login, FirstName: 'Bench', LastName: `Person ${i}`, Mail: `${login}@example.org`, Department: `Dept${i % 20}` });
      const ctx = { now: NOW, idempotencyKey: `bench-${rep}-${i}`, instanceId: `i-${i}`, subject: login, mode: 'persist', provisioning: true };
      writes.push((await planChangeSetWithBirthright(new IdentityOverlay(repo.identities), changes, ctx)).write);
    }
    plan += cpuUs(t);
    const w = process.cpuUsage();
    await repo.identities.apply(writes);
    write += cpuUs(w);
  }
  const a = process.cpuUsage();
  for (let i = 0; i < count; i++) await repo.absences.inForce(['hr:wave'], NOW + i);
  best.absences = Math.min(best.absences, cpuUs(a) / count);
  best.plan = Math.min(best.plan, plan / count);
  best.write = Math.min(best.write, write / count);
  await repo.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `${tree}: CPU µs per joiner, best of ${reps} × ${count}: plan ${best.plan.toFixed(1)}, identity write ${best.write.toFixed(1)}, out-of-office lookup ${best.absences.toFixed(1)}`,
);
