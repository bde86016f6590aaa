/**
 * config/default with the idflow `Approval…` attributes taken off its Netwrix Reviews: the default workflows as the
 * vendor ships them, whose Reviews are offered to the holders of their state's permission. For tests of permission
 * offering itself (inboxes, AccessControlRules); the defaults as shipped ask the subject's manager and the
 * resources' owners (docs/decisions/default-approvers.md).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULTS = fileURLToPath(new URL('../../config/default/', import.meta.url));

/** The XML files to load: config/default's, the Netwrix workflows written without approval attributes to a temp dir. */
export function permissionOfferedDefaults(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'idflow-vendor-defaults-'));
  return readdirSync(DEFAULTS)
    .filter((f) => f.endsWith('.xml'))
    .map((f) => {
      const xml = readFileSync(join(DEFAULTS, f), 'utf8');
      if (!/\sApproval[A-Za-z]+="/.test(xml)) return join(DEFAULTS, f);
      const file = join(dir, f);
      writeFileSync(file, xml.replace(/\s+Approval[A-Za-z]+="[^"]*"/g, ''));
      return file;
    });
}
