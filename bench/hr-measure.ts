/**
 * A quick measure of the HR feed (not yet part of `npm run bench`): N joiners in one file, each onboarding launched
 * with its Request fired, on the database DATABASE_URL names (an SQLite file otherwise).
 *   node --import tsx bench/hr-measure.ts [N]
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importHrFile, parseHrSource } from '../src/connectors/hr/index.js';
import { loadDefinitionFiles } from '../src/definition/load.js';
import { openEngine } from '../src/engine/engine.js';
import { openRepository } from '../src/repository/open-repository.js';

const n = Number(process.argv[2] ?? 1000);
const url = process.env['DATABASE_URL'];
const repo = await openRepository(url ? { url, env: {} } : { db: join(mkdtempSync(join(tmpdir(), 'hr-measure-')), 'x.db'), env: {} });
const defaults = fileURLToPath(new URL('../config/default/', import.meta.url));
await repo.objects.putMany((await loadDefinitionFiles(readdirSync(defaults).filter((f) => f.endsWith('.xml')).map((f) => join(defaults, f)))).objects);
const source = `bench${Date.now()}`;
await repo.hr.putSource(source, parseHrSource({
  name: source, key: 'Id', columns: { Id: 'EmployeeId', Login: 'Login', LastName: 'LastName' }, subject: 'Login',
  added: { workflow: 'User_Onboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute' },
}) as unknown as Record<string, unknown>, Date.now());
const rows = ['Id,Login,LastName', ...Array.from({ length: n }, (_, i) => `E${i},${source}u${i},Last${i}`)].join('\n');
const engine = await openEngine({ repository: repo });
let t = performance.now();
const r = await importHrFile({ repository: repo, engine }, { source, file: 'bench.csv', bytes: Buffer.from(rows) });
const first = (performance.now() - t) / 1000;
t = performance.now();
await importHrFile({ repository: repo, engine }, { source, file: 'bench.csv', bytes: Buffer.from(rows) });
const again = (performance.now() - t) / 1000;
console.log(`${repo.kind}: ${n} joiners, ${r.launches?.launched} onboardings started past their Request in ${first.toFixed(2)} s (${(n / first).toFixed(0)}/s); re-import of the same file ${again.toFixed(2)} s`);
await engine.close();
await repo.close();
