import type { Command } from 'commander';
import { ORDER_STATES, type OrderState } from '../../provisioning/provisioning-order.js';
import { toOrderView, type ProvisioningOrderView } from '../../provisioning/order-view.js';
import { OrderNotFoundError } from '../../provisioning/provisioning-errors.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { addListOptions, listRequest, printList, type ListColumn, type ListOptionValues } from '../list-output.js';
import { oneOf } from '../option-values.js';
import { printJson, println, shortTime } from '../output.js';
import { actingUser } from './run-support.js';

interface ListOptions extends ListOptionValues {
  readonly state?: string;
  readonly identity?: string;
  readonly connector?: string;
  readonly instance?: string;
}

interface ActOptions {
  readonly as?: string;
  readonly json?: boolean;
}

const COLUMNS: readonly ListColumn<ProvisioningOrderView>[] = [
  { name: 'id', text: (o) => o.id, keep: true },
  { name: 'state', text: (o) => o.state },
  { name: 'operation', text: (o) => o.operation },
  { name: 'connector', text: (o) => o.connector },
  { name: 'identity', text: (o) => o.identity },
  { name: 'attempts', text: (o) => String(o.attempts), json: (o) => o.attempts, right: true },
  { name: 'error', text: (o) => (o.error ? `${o.error.code}: ${o.error.message}` : ''), json: (o) => o.error ?? null },
  { name: 'created', text: (o) => shortTime(o.createdAt), json: (o) => o.createdAt },
  { name: 'due', text: (o) => shortTime(o.notBefore), json: (o) => o.notBefore, optional: true },
  { name: 'instance', text: (o) => o.instance ?? '', json: (o) => o.instance ?? null, optional: true },
  { name: 'key', text: (o) => o.result?.key ?? '', json: (o) => o.result?.key ?? null, optional: true },
];
const FIELDS = COLUMNS.map((c) => c.name);

function printOrder(o: ProvisioningOrderView): void {
  const lines: [string, string | undefined][] = [
    ['id', o.id],
    ['state', o.state],
    ['operation', `${o.operation} (#${o.accountSeq} of this account)`],
    ['connector', o.connector],
    ['identity', o.identity],
    ['resource', o.resource],
    ['assignment', o.assignment],
    ['attempts', String(o.attempts)],
    ['due', o.notBefore],
    ['lease', o.lease === undefined ? undefined : `${o.lease.owner} until ${o.lease.until}`],
    ['error', o.error === undefined ? undefined : `${o.error.code}: ${o.error.message}`],
    ['result', !o.result ? undefined : `${o.result.outcome} ${o.result.key}`],
    ['instance', o.instance === undefined ? undefined : `${o.instance}${o.wait ? ' (waits on it)' : ''}`],
    ['idempotency key', o.idempotencyKey],
    ['created', o.createdAt],
    ['updated', o.updatedAt],
    ['finished', o.finishedAt],
    ['payload', JSON.stringify(o.payload)],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) if (v !== undefined) println(`${k.padEnd(width)}  ${v}`);
}

/** `idflow provisioning …`: the orders provisioning workers carry to LDAP, SCIM and CSV targets (docs/provisioning.md). */
export function registerProvisioning(program: Command): void {
  const provisioning = program
    .command('provisioning')
    .summary('list, show, retry and cancel provisioning orders')
    .description(
      'Provisioning orders carry account changes (create, update, rename, disable, enable, delete, group membership) ' +
        'from workflow steps to connectors; `idflow worker` executes them. An order that failed for good stays in ' +
        'state error until an administrator retries or cancels it.',
    );

  const list = provisioning
    .command('list')
    .summary('list provisioning orders')
    .description('Lists provisioning orders, newest first, filtered by state, identity, connector and instance. Pages of --limit rows.')
    .option('--state <state>', ORDER_STATES.join(', '))
    .option('--identity <id>', 'the identity the orders change')
    .option('--connector <name>', 'the connector object they go to')
    .option('--instance <id>', 'the TaskInstance that ordered them');
  addListOptions(list, FIELDS)
    .addHelpText(
      'after',
      `
Examples:
  idflow provisioning list --state error
  idflow provisioning list --connector ldap --fields id,state,identity,key --json`,
    )
    .action(
      action(async (options: ListOptions, command: Command) => {
        const state = options.state === undefined ? undefined : oneOf<OrderState>(options.state, ORDER_STATES, '--state', 'PROVISIONING_BAD_STATE');
        const request = await listRequest(options, FIELDS);
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const rows = await repo.provisioning.list({
            ...(state !== undefined && { state }),
            ...(options.identity !== undefined && { identityId: options.identity }),
            ...(options.connector !== undefined && { connector: options.connector }),
            ...(options.instance !== undefined && { instanceId: options.instance }),
            limit: request.limit + 1,
            order: request.order,
            ...(request.after !== undefined && { after: request.after }),
            ...(request.since !== undefined && { createdFrom: request.since }),
            ...(request.until !== undefined && { createdTo: request.until }),
          });
          printList(rows.map(toOrderView), COLUMNS, request, 'no provisioning orders');
        });
      }),
    );

  provisioning
    .command('show')
    .summary('show one provisioning order')
    .argument('<id>', 'the order id')
    .option('--json', 'print the order as JSON')
    .action(
      action(async (id: string, options: { readonly json?: boolean }, command: Command) => {
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const order = await repo.provisioning.get(id);
          if (!order) throw new OrderNotFoundError(id);
          if (options.json) printJson(toOrderView(order));
          else printOrder(toOrderView(order));
        });
      }),
    );

  for (const verb of ['retry', 'cancel'] as const) {
    provisioning
      .command(verb)
      .summary(verb === 'retry' ? 'try an order in error again' : 'give an order up')
      .description(
        verb === 'retry'
          ? 'Makes an order in error (or cancelled) pending again, due now, with its attempts counted from 0; a worker takes it on its next round. Audited.'
          : "Cancels a pending order or one in error: it is not tried again, the account's later orders go on, an instance waiting on it goes on with WF_ACTION_ERROR. Audited.",
      )
      .argument('<id>', 'the order id')
      .option('--as <user>', 'who does it (kept in the audit); default $IDFLOW_USER or the system user')
      .option('--json', 'print the order as JSON')
      .action(
        action(async (id: string, options: ActOptions, command: Command) => {
          const actor = actingUser(options.as);
          await withRepository(await openRequiredCliRepository(command), async (repo) => {
            const order = verb === 'retry' ? await repo.provisioning.retry(id, actor, Date.now()) : await repo.provisioning.cancel(id, actor, Date.now());
            if (options.json) printJson(toOrderView(order));
            else println(verb === 'retry' ? `order ${id} is pending again` : `order ${id} is cancelled`);
          });
        }),
      );
  }
}
