import type { Command } from 'commander';
import type { XValue } from '../../expression/env.js';
import { formatDate } from '../../identity/change-set-dates.js';
import { IdentityNotFoundError } from '../../identity/change-set-errors.js';
import type { IdentityRecordRow, IdentityRow, IdentityState } from '../../identity/identity-rows.js';
import type { IdentitySnapshot } from '../../identity/identity-store.js';
import { identityView } from '../../identity/identity-view.js';
import type { Repository } from '../../repository/repository.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { parseDateArg } from '../date-arg.js';
import { addListOptions, listRequest, pageFilter, printList, type ListColumn, type ListOptionValues } from '../list-output.js';
import { oneOf } from '../option-values.js';
import { printJson, println, printTable, shortTime } from '../output.js';

const STATES: readonly IdentityState[] = ['draft', 'active', 'ended'];

interface IdentityListView {
  readonly id: string;
  readonly login: string;
  readonly state: IdentityState;
  readonly employeeId: string | null;
  readonly organization: string | null;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toView = (i: IdentityRow): IdentityListView => ({
  id: i.id,
  login: i.login,
  state: i.state,
  employeeId: i.employeeId,
  organization: i.organization,
  revision: i.revision,
  createdAt: new Date(i.createdAt).toISOString(),
  updatedAt: new Date(i.updatedAt).toISOString(),
});

const COLUMNS: readonly ListColumn<IdentityListView>[] = [
  { name: 'login', text: (i) => i.login, keep: true },
  { name: 'state', text: (i) => i.state },
  { name: 'employee', text: (i) => i.employeeId ?? '', json: (i) => i.employeeId },
  { name: 'organization', text: (i) => i.organization ?? '', json: (i) => i.organization },
  { name: 'created', text: (i) => shortTime(i.createdAt), json: (i) => i.createdAt },
  { name: 'updated', text: (i) => shortTime(i.updatedAt), json: (i) => i.updatedAt },
  { name: 'id', text: (i) => i.id, keep: true, optional: true },
  { name: 'revision', text: (i) => String(i.revision), json: (i) => i.revision, right: true, optional: true },
];
const FIELDS = COLUMNS.map((c) => c.name);

interface ListOptions extends ListOptionValues {
  readonly state?: string;
  readonly organization?: string;
}

interface ShowOptions {
  readonly at?: string;
  readonly knownAt?: string;
  readonly drafts?: boolean;
  readonly json?: boolean;
}

export async function findOrFail(repo: Repository, idOrLogin: string): Promise<IdentitySnapshot> {
  const found = await repo.identities.findIdentity(idOrLogin);
  if (!found) throw new IdentityNotFoundError(idOrLogin);
  return found;
}

const recordJson = (r: IdentityRecordRow) => ({
  kind: r.kind,
  validFrom: formatDate(r.validFrom),
  validUntil: r.validUntil === null ? null : formatDate(r.validUntil),
  data: r.data,
  draft: r.draft,
  recordedAt: new Date(r.recordedAt).toISOString(),
  supersededAt: r.supersededAt === null ? null : new Date(r.supersededAt).toISOString(),
  appliedAt: r.appliedAt === null ? null : new Date(r.appliedAt).toISOString(),
  instanceId: r.instanceId,
  id: r.id,
});

const period = (r: IdentityRecordRow): string => `${formatDate(r.validFrom)} → ${r.validUntil === null ? '' : formatDate(r.validUntil)}`;
const dataText = (d: Readonly<Record<string, XValue>>): string =>
  Object.entries(d)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');

/** `idflow identity list|show|history`: the people in the identity store (docs/cli.md "Identities and resources"). */
export function registerIdentity(program: Command): void {
  const identity = program
    .command('identity')
    .summary('list identities, show one as of a date, show its history')
    .description('The identity store: people, their dated records (personal, contract, position), the resources they hold and their accounts.');

  addListOptions(
    identity
      .command('list')
      .summary('list identities')
      .description('Lists identities, newest first, by state and organization. Pages of --limit rows (default 50).')
      .option('--state <state>', STATES.join(', '))
      .option('--organization <name>', 'only this organization'),
    FIELDS,
  )
    .addHelpText('after', '\nExamples:\n  idflow identity list --state active\n  idflow identity list --organization Finance --json')
    .action(
      action(async (options: ListOptions, command: Command) => {
        const request = await listRequest(options, FIELDS);
        const state = options.state === undefined ? undefined : oneOf(options.state, STATES, '--state', 'CLI_BAD_STATE');
        const page = pageFilter(request);
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const rows = await repo.identities.listIdentities({
            ...(state !== undefined && { state }),
            ...(options.organization !== undefined && { organization: options.organization }),
            limit: page.limit,
            order: page.order,
            ...(page.after !== undefined && { after: page.after }),
            ...(page.since !== undefined && { createdFrom: page.since }),
            ...(page.until !== undefined && { createdTo: page.until }),
          });
          printList(rows.map(toView), COLUMNS, request, 'no identities');
        });
      }),
    );

  identity
    .command('show')
    .summary('show one identity as it is, or as it was on a date')
    .description(
      'Shows an identity (by login, compared like subjects, or by id): its attributes from the records valid at --at ' +
        '(default now), as known at --known-at (default now: what is known today), its resources and its accounts.',
    )
    .argument('<login>', 'the login or the id')
    .option('--at <date>', 'the moment the attributes are valid at (ISO 8601: 2026-03-01)')
    .option('--known-at <date>', 'what was known at this moment (records recorded by then and not yet replaced then)')
    .option('--drafts', 'count draft records too (a user saved before review)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  idflow identity show jdoe\n  idflow identity show jdoe --at 2026-03-01 --json')
    .action(
      action(async (login: string, options: ShowOptions, command: Command) => {
        const at = options.at !== undefined ? await parseDateArg(options.at, '--at') : Date.now();
        const knownAt = options.knownAt !== undefined ? await parseDateArg(options.knownAt, '--known-at') : undefined;
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const snap = await findOrFail(repo, login);
          const i = snap.identity;
          const records = await repo.identities.recordsAsOf(i.id, { validAt: at, ...(knownAt !== undefined && { knownAt }), drafts: Boolean(options.drafts) });
          const manager = i.managerId ? ((await repo.identities.findIdentity(i.managerId))?.identity.login ?? null) : null;
          const view = identityView(i, options.drafts ? records.map((r) => ({ ...r, draft: false })) : records, at, manager);
          const resources = await Promise.all(
            snap.assignments.map(async (a) => ({ ...a, resource: (await repo.identities.getResource(a.resourceId))?.name ?? a.resourceId })),
          );
          const out = {
            ...toView(i),
            manager,
            at: new Date(at).toISOString(),
            attributes: view.attributes,
            records: records.map(recordJson),
            assignments: resources.map((a) => ({ resource: a.resource, workflowState: a.workflowState, provisioningState: a.provisioningState, lastError: a.lastError, id: a.id })),
            accounts: snap.accounts.map((a) => ({ connector: a.connector, login: a.login, state: a.state, targetKey: a.targetKey })),
          };
          if (options.json) return printJson(out);
          println(`${i.login} (${i.state}${i.employeeId ? `, employee ${i.employeeId}` : ''}${i.organization ? `, ${i.organization}` : ''}${manager ? `, manager ${manager}` : ''})`);
          println(`id ${i.id}, revision ${i.revision}`);
          println(`as of ${formatDate(at)}${knownAt !== undefined ? `, as known on ${formatDate(knownAt)}` : ''}:`);
          if (Object.keys(view.attributes).length === 0) println('  (no record valid then)');
          for (const [k, v] of Object.entries(view.attributes)) println(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
          if (out.assignments.length > 0) {
            println('resources:');
            printTable(out.assignments, [
              { header: 'resource', value: (a) => a.resource },
              { header: 'workflow', value: (a) => a.workflowState },
              { header: 'provisioning', value: (a) => a.provisioningState + (a.lastError ? ` (${a.lastError})` : '') },
            ]);
          }
          if (out.accounts.length > 0) {
            println('accounts:');
            printTable(out.accounts, [
              { header: 'connector', value: (a) => a.connector },
              { header: 'login', value: (a) => a.login },
              { header: 'state', value: (a) => a.state },
              { header: 'key', value: (a) => a.targetKey ?? '' },
            ]);
          }
        });
      }),
    );

  identity
    .command('history')
    .summary('every record of an identity, replaced ones included')
    .description('Lists every record the identity ever had, in the order they were recorded: valid period, data, when it was recorded and replaced.')
    .argument('<login>', 'the login or the id')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  idflow identity history jdoe')
    .action(
      action(async (login: string, options: { readonly json?: boolean }, command: Command) => {
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const snap = await findOrFail(repo, login);
          const history = await repo.identities.recordHistory(snap.identity.id);
          if (options.json) return printJson(history.map(recordJson));
          if (history.length === 0) return println(`${snap.identity.login} has no records`);
          printTable(history, [
            { header: 'recorded', value: (r) => shortTime(new Date(r.recordedAt).toISOString()) },
            { header: 'kind', value: (r) => r.kind + (r.draft ? ' (draft)' : '') },
            { header: 'valid', value: period },
            { header: 'data', value: (r) => dataText(r.data) },
            { header: 'replaced', value: (r) => (r.supersededAt === null ? '' : shortTime(new Date(r.supersededAt).toISOString())) },
          ]);
        });
      }),
    );
}
