import type { Command } from 'commander';
import { NotFoundError } from '../../errors.js';
import { RESOURCE_KINDS, type ResourceKind, type ResourceRow } from '../../identity/identity-rows.js';
import { parseBirthrightRule, type BirthrightRule } from '../../identity/birthright.js';
import { stableId } from '../../identity/stable-id.js';
import { subjectKey } from '../../identity/subject-key.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { addListOptions, listRequest, pageFilter, printList, type ListColumn, type ListOptionValues } from '../list-output.js';
import { oneOf } from '../option-values.js';
import { printJson, println, shortTime } from '../output.js';

interface ResourceView {
  readonly id: string;
  readonly name: string;
  readonly kind: ResourceKind;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly connector: string | null;
  readonly targetKey: string | null;
  readonly owners: readonly string[];
  readonly birthright: BirthrightRule | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const toView = (r: ResourceRow): ResourceView => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  displayName: r.displayName,
  description: r.description,
  connector: r.connector,
  targetKey: r.targetKey,
  owners: r.owners,
  birthright: r.birthright ?? null,
  createdAt: new Date(r.createdAt).toISOString(),
  updatedAt: new Date(r.updatedAt).toISOString(),
});

const COLUMNS: readonly ListColumn<ResourceView>[] = [
  { name: 'name', text: (r) => r.name, keep: true },
  { name: 'kind', text: (r) => r.kind },
  { name: 'connector', text: (r) => r.connector ?? '', json: (r) => r.connector },
  { name: 'target', text: (r) => r.targetKey ?? '', json: (r) => r.targetKey },
  { name: 'owners', text: (r) => r.owners.join(' '), json: (r) => r.owners },
  { name: 'birthright', text: (r) => (r.birthright === null ? '' : JSON.stringify(r.birthright)), json: (r) => r.birthright, optional: true },
  { name: 'created', text: (r) => shortTime(r.createdAt), json: (r) => r.createdAt },
  { name: 'id', text: (r) => r.id, keep: true, optional: true },
  { name: 'description', text: (r) => r.description ?? '', json: (r) => r.description, optional: true },
];
const FIELDS = COLUMNS.map((c) => c.name);

interface AddOptions {
  readonly kind: string;
  readonly connector?: string;
  readonly targetKey?: string;
  readonly owner?: string[];
  readonly displayName?: string;
  readonly description?: string;
  readonly birthright?: string;
  readonly json?: boolean;
}

/** `idflow resource list|show|add` (docs/decisions/resources-by-cli.md). */
export function registerResource(program: Command): void {
  const resource = program
    .command('resource')
    .summary('list, show and add resources (applications, groups, devices, networks)')
    .description('Resources are what identities are given: each names the connector that provisions it, if any, and for a group its key on the target.');

  addListOptions(
    resource
      .command('list')
      .summary('list resources')
      .description('Lists resources, newest first, by kind and connector.')
      .option('--kind <kind>', RESOURCE_KINDS.join(', '))
      .option('--connector <name>', 'only resources this connector provisions'),
    FIELDS,
  )
    .addHelpText('after', '\nExamples:\n  idflow resource list --kind group\n  idflow resource list --connector ldap --json')
    .action(
      action(async (options: ListOptionValues & { readonly kind?: string; readonly connector?: string }, command: Command) => {
        const request = await listRequest(options, FIELDS);
        const kind = options.kind === undefined ? undefined : oneOf(options.kind, RESOURCE_KINDS, '--kind', 'CLI_BAD_KIND');
        const page = pageFilter(request);
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const rows = await repo.identities.listResources({
            ...(kind !== undefined && { kind }),
            ...(options.connector !== undefined && { connector: options.connector }),
            limit: page.limit,
            order: page.order,
            ...(page.after !== undefined && { after: page.after }),
            ...(page.since !== undefined && { createdFrom: page.since }),
            ...(page.until !== undefined && { createdTo: page.until }),
          });
          printList(rows.map(toView), COLUMNS, request, 'no resources');
        });
      }),
    );

  resource
    .command('show')
    .summary('show one resource and who holds it')
    .argument('<name>', 'the resource name (compared like logins) or id')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  idflow resource show staff --json')
    .action(
      action(async (name: string, options: { readonly json?: boolean }, command: Command) => {
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const r = await repo.identities.getResource(name);
          if (!r) throw new NotFoundError('RESOURCE_NOT_FOUND', `no resource is named ${JSON.stringify(name)}`, { resource: name });
          const held = await repo.identities.listAssignments({ resourceId: r.id });
          const holders = await Promise.all(
            held.map(async (a) => ({ login: (await repo.identities.getIdentity(a.identityId))?.login ?? a.identityId, workflowState: a.workflowState, provisioningState: a.provisioningState })),
          );
          if (options.json) return printJson({ ...toView(r), holders });
          println(`${r.name} (${r.kind})${r.displayName ? `: ${r.displayName}` : ''}`);
          if (r.description) println(r.description);
          println(`connector: ${r.connector ?? '(none: nothing to provision)'}${r.targetKey ? `, target key ${r.targetKey}` : ''}`);
          if (r.owners.length > 0) println(`owners: ${r.owners.join(', ')}`);
          if (r.birthright) println(`birthright: ${JSON.stringify(r.birthright)}`);
          println(holders.length === 0 ? 'held by nobody' : `held by ${holders.map((h) => `${h.login} (${h.workflowState}, ${h.provisioningState})`).join(', ')}`);
        });
      }),
    );

  resource
    .command('add')
    .summary('create a resource, or update the one of that name')
    .description(
      'Creates the resource NAME, or updates the one of that name (kind, connector, target key, owners, texts). ' +
        'Change sets give resources to identities by name (docs/change-sets.md).',
    )
    .argument('<name>', 'the resource name')
    .requiredOption('--kind <kind>', RESOURCE_KINDS.join(', '))
    .option('--connector <name>', 'the connector object that provisions it (none: nothing to provision)')
    .option('--target-key <key>', "a group's key on its target (LDAP DN, SCIM group name, CSV group)")
    .option('--owner <owner...>', 'owners: logins, or profile:<name>')
    .option('--display-name <text>', 'the name people see')
    .option('--description <text>', 'what it is for')
    .option(
      '--birthright <rule>',
      'who gets it without asking (docs/lifecycle.md): "all", "none", or JSON entries of attribute → values, any of which grants, e.g. \'[{"department":["Finance"]}]\'',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  idflow resource add directory --kind application --connector ldap --birthright all\n  idflow resource add staff --kind group --connector ldap --target-key cn=staff,ou=groups,dc=example,dc=org\n  idflow resource add finance-share --kind group --connector ldap --target-key cn=finance,ou=groups,dc=example,dc=org --birthright \'[{"department":"Finance"}]\'',
    )
    .action(
      action(async (name: string, options: AddOptions, command: Command) => {
        const kind = oneOf(options.kind, RESOURCE_KINDS, '--kind', 'CLI_BAD_KIND');
        // Checked before the repository is opened: a bad rule changes nothing.
        const birthright = options.birthright === undefined ? undefined : parseBirthrightRule(options.birthright);
        const nameKey = subjectKey(name);
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const now = Date.now();
          const before = await repo.identities.getResource(name);
          const stored = await repo.identities.putResource({
            id: before?.id ?? stableId(`resource:${nameKey}`),
            kind,
            name: name.trim(),
            nameKey,
            displayName: options.displayName ?? before?.displayName ?? null,
            description: options.description ?? before?.description ?? null,
            connector: options.connector ?? null,
            targetKey: options.targetKey ?? null,
            owners: options.owner ?? before?.owners ?? [],
            birthright: birthright !== undefined ? birthright : (before?.birthright ?? null),
            createdAt: before?.createdAt ?? now,
            updatedAt: now,
          });
          if (options.json) return printJson({ ...toView(stored), status: before ? 'updated' : 'created' });
          println(`${before ? 'updated' : 'created'} ${stored.kind} ${stored.name}${stored.connector ? ` (provisioned by ${stored.connector})` : ''}`);
        });
      }),
    );
}
