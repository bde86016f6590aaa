/**
 * CPU of what a launch reads on its way to its first work item (docs/decisions/absence-reads.md): the identity its
 * subject names (for the lock's key) and who of the item's owners is away, in any checkout, on an SQLite file while
 * another connection commits before each launch (as the provisioning process does in the HR wave). Best of 5 runs.
 *
 *   node --import tsx bench/launch-reads-bench.ts [CHECKOUT=.]
 *   e.g. against main in the same conditions: node --import tsx bench/launch-reads-bench.ts /work/main
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
const tree = resolve(process.argv[2] ?? '.');
const load = async (p: string): Promise<any> => import(pathToFileURL(join(tree, p)).href);
const { openRepository } = await load('src/repository/open-repository.ts');
const dir = mkdtempSync(join(tmpdir(), 'pr-l-'));
const file = join(dir, 'b.db');
const repo = await openRepository({ db: file, env: {} });
const other = new Database(file);
other.pragma('busy_timeout = 5000');
const w = other.prepare(`INSERT INTO hr_snapshot_rows (source, row_key, attributes) VALUES ('s', ?, '{}')`);
let k = 0;
const N = 2000;
const best: Record<string, number> = {};
for (let rep = 0; rep < 5; rep++) {
  const cases: Record<string, (i: number) => Promise<unknown>> = {
    // What a launch and its first advance read on the way to its first item (launch subject, out-of-office).
    launchReads: async (i) => {
      const ids = repo.identities;
      const mark = ids.subjectKeyReads ? (await ids.subjectKeyReads(`j${i}`)).absencesMark : (await ids.findIdentity(`j${i}`), undefined);
      return repo.absences.inForce(['hr:wave'], 1000 + i, mark);
    },
  };
  for (const [name, f] of Object.entries(cases)) {
    let tot = 0;
    for (let i = 0; i < N; i++) {
      w.run(`k${k++}`); // another connection commits before each, as the provisioning process does in the wave
      const t = process.cpuUsage();
      await f(i);
      const u = process.cpuUsage(t);
      tot += u.user + u.system;
    }
    best[name] = Math.min(best[name] ?? Infinity, tot / N);
  }
}
console.log(tree, Object.entries(best).map(([n, v]) => `${n} ${v.toFixed(1)} µs`).join(', '));
