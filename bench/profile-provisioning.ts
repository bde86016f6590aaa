/**
 * The provisioning row's end-to-end run alone (no bare-ldapts baseline), for a CPU profile of it:
 * `node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-provisioning.ts [count] [separate]`, then
 * `node --import tsx bench/summarise-profile.ts /tmp/prof/<largest>.cpuprofile 30`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSlapd } from '../test/support/slapd.js';
import { endToEnd } from './provisioning-bench.js';

const count = Number(process.argv[2] ?? 5000);
const separate = process.argv[3] === 'separate';
const slapd = await startSlapd();
const dir = mkdtempSync(join(tmpdir(), 'idflow-provisioning-profile-'));
try {
  console.log(JSON.stringify(await endToEnd(slapd, dir, count, 16, 'profile', separate)));
} finally {
  await slapd.close();
  rmSync(dir, { recursive: true, force: true });
}
