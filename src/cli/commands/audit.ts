import type { Command } from 'commander';
import { hasErrorCode } from '../../errors.js';
import type { StoredAuditEvent } from '../../repository/runtime-store.js';
import { action } from '../action.js';
import { addListOptions, listRequest, printList, type ListColumn, type ListOptionValues } from '../list-output.js';
import { shortTime } from '../output.js';
import { withEngine } from './run-support.js';

interface AuditRow {
  readonly id: string;
  readonly createdAt: string;
  readonly event: StoredAuditEvent;
}

const FIELDS = ['id', 'at', 'type', 'actor', 'subject', 'task', 'definition', 'activity', 'details'] as const;

const COLUMNS: readonly ListColumn<AuditRow>[] = [
  { name: 'id', text: (r) => r.id, keep: true, right: true },
  { name: 'at', text: (r) => shortTime(r.createdAt), json: (r) => r.createdAt },
  { name: 'type', text: (r) => r.event.event },
  { name: 'actor', text: (r) => actorText(r.event) },
  { name: 'subject', text: (r) => String(r.event.data?.['subject'] ?? '') },
  { name: 'task', text: (r) => r.event.instanceId ?? '', keep: true },
  { name: 'definition', text: (r) => r.event.definitionName ?? '', optional: true },
  { name: 'activity', text: (r) => r.event.activity ?? '' },
  { name: 'details', text: (r) => (r.event.data ? JSON.stringify(r.event.data) : ''), json: (r) => r.event.data ?? null },
];

/** The acting person, and the original owner when the item was delegated (kept in the event's data). */
function actorText(e: StoredAuditEvent): string {
  if (e.event !== 'decision') return e.actor ?? '';
  const from = e.data?.['delegatedFrom'] ?? e.data?.['owner'];
  return `${e.actor ?? ''}${typeof from === 'string' && from !== e.actor ? ` (for ${from})` : ''}`;
}

interface AuditOptions extends ListOptionValues {
  readonly subject?: string;
  readonly task?: string;
  readonly type?: string;
}

export function registerAudit(program: Command): void {
  const audit = program
    .command('audit')
    .summary('the audit trail: launches, steps, decisions, change sets, provisioning, notifications, HR runs')
    .description(
      'Lists AuditEvents, newest first: every launch, step, decision (the acting person, and the original owner when ' +
        'delegated), change set applied, provisioning order and result, notification and HR run. Events outlive ' +
        'their TaskInstance: --task takes the id of a deleted instance too.',
    )
    .option('--subject <user>', 'events about this user: its HR rows, the HR runs that started its workflows, and every event of a workflow launched on it')
    .option('--task <id>', 'events of one TaskInstance (its id or a unique prefix while it exists)')
    .option('--type <type>', 'one event type, e.g. launched, decided, hr.run, hr.launched, changeset:persisted');
  addListOptions(audit, FIELDS, 'event')
    .addHelpText('after', `
Examples:
  idflow audit --subject jdoe
  idflow audit --type hr.run --since 2026-03-01 --json
  idflow audit --task 01a24f53 --sort oldest`)
    .action(
      action(async (options: AuditOptions, command: Command) => {
        const request = await listRequest(options, FIELDS);
        await withEngine(command, async (engine, repo) => {
          let instanceId: string | undefined;
          if (options.task !== undefined) {
            try {
              instanceId = await engine.resolveTaskId(options.task);
            } catch (e) {
              // A deleted instance's events stay: its whole id still finds them.
              if (!hasErrorCode(e, 'TASK_NOT_FOUND')) throw e;
              instanceId = options.task;
            }
          }
          const events = await repo.audit.query({
            ...(instanceId !== undefined && { instanceId }),
            ...(options.subject !== undefined && { subject: options.subject }),
            ...(options.type !== undefined && { event: options.type }),
            ...(request.since !== undefined && { since: request.since }),
            ...(request.until !== undefined && { until: request.until }),
            ...(request.after !== undefined && { afterId: Number(request.after.id) }),
            order: request.order,
            limit: request.limit + 1,
          });
          const rows: AuditRow[] = events.map((e) => ({ id: String(e.id), createdAt: new Date(e.at).toISOString(), event: e }));
          printList(rows, COLUMNS, request, 'no audit events', (r) => ({ ...r.event, at: r.createdAt }));
        });
      }),
    );
}
