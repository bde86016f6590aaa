import type { TaskParameters } from '../definition/model/task-parameters.js';
import { ConflictError, InvalidInputError, NotAuthorizedError, NotFoundError, UnsupportedError } from '../errors.js';
import type { AuditRecord, CommitStatus, InstanceWrite, ScheduleStateChange } from '../repository/runtime-store.js';
import type { LaunchRequest, LaunchResult } from './engine-api.js';
import type { EngineContext } from './engine-context.js';
import type { LoadedDefinition } from './definition-cache.js';
import { TaskNotFoundError } from './engine-errors.js';
import { advanceWithCheckpoints, type AdvancePosition } from './checkpoint.js';
import { launchInputs } from './launch-inputs.js';
import { launchSubject } from './launch-subject.js';
import { checkVariablesSize } from './variables-size.js';
import { newInstanceRecord, parametersOf } from './new-instance.js';
import { auditBase, outcomeWrite } from './outcome-write.js';
import { planResultOption } from './result-option.js';
import { toTaskView, toWorkItemView } from './task-view.js';
import { didYouMean, nearestNames } from '../definition/validate/suggest.js';
import { escapeControls, subjectKey } from '../identity/subject-key.js';
import { checkVisibility, type LaunchSource } from '../access/visibility.js';
import { requireAllowed } from '../access/authorize.js';
import { toCaller } from '../access/caller.js';

export interface LaunchOptions {
  readonly source: LaunchSource;
  /** A TaskSchedule's resultOption wins over the definition's. */
  readonly resultOption?: TaskParameters['resultOption'];
  /**
   * A schedule occurrence: its state change is committed with the launch's first commit (all or nothing), with
   * `audit` (what the occurrence skipped). When another worker took the occurrence first the launch fails with
   * `SCHEDULE_OCCURRENCE_TAKEN` and nothing is written.
   */
  readonly schedule?: { readonly name: string; readonly change: ScheduleStateChange; readonly occurrence: number; readonly audit?: readonly AuditRecord[] };
}

/** How the launch runs once the request and the definition have had their say. */
export type EffectiveMode = 'sync' | 'async' | 'asyncImmediate';

/**
 * execMode and syncControlAllowed: the definition's execMode applies unless the request asks for the other
 * family (sync vs async); a definition with syncControlAllowed false refuses that (`EXEC_MODE_NOT_ALLOWED`).
 * Asking for `async` on an asyncImmediate definition keeps asyncImmediate (same family).
 */
export function effectiveMode(name: string, params: TaskParameters | undefined, requested: LaunchRequest['mode']): EffectiveMode {
  const own = params?.execMode ?? 'async';
  if (requested === undefined) return own;
  const ownFamily = own === 'sync' ? 'sync' : 'async';
  if (requested === ownFamily) return own;
  if (params && !params.syncControlAllowed) {
    throw new NotAuthorizedError(
      'EXEC_MODE_NOT_ALLOWED',
      `"${name}" runs ${own} and does not allow the caller to choose (syncControlAllowed is false); drop --${requested}`,
      { definition: name, execMode: own, requested },
    );
  }
  return requested;
}

/** Launches the latest version of a definition, or the version asked for; see {@link LaunchRequest}. */
export async function launchTask(ctx: EngineContext, request: LaunchRequest, options: LaunchOptions): Promise<LaunchResult> {
  if (!request.launcher) throw new InvalidInputError('LAUNCH_NO_LAUNCHER', 'a launch needs the person who launches it', {});
  const caller = toCaller(request.launcher);
  const launcher = caller.person;
  // Before anything is read: a subject that names nobody is refused whatever the definition.
  if (request.subject !== undefined) subjectKey(request.subject);
  await ctx.definitions.refresh();
  const latest = chooseDefinition(ctx, request);
  let definition = latest;
  if (request.version !== undefined && request.version !== latest.stored.version) {
    const older = await ctx.definitions.launchableVersion(request.definition, request.version, latest.stored.type === 'Workflow' ? 'Workflow' : 'TaskDefinition');
    if (!older) {
      throw new NotFoundError('DEFINITION_NOT_FOUND', `"${request.definition}" has no version ${request.version}; its latest is v${latest.stored.version}`, {
        definition: request.definition,
        version: request.version,
      });
    }
    definition = older;
  }
  if (definition.object.type === 'TaskDefinition' && definition.object.javaExecutor !== undefined) {
    const executor = definition.object.javaExecutor;
    throw new UnsupportedError(
      'TASK_EXECUTOR_UNSUPPORTED',
      `"${definition.stored.name}" is a Java task run by ${executor}, not a workflow; idflow stores it but cannot run it`,
      { definition: definition.stored.name, executor },
    );
  }
  const params = parametersOf(definition);
  if (params) checkVisibility(definition.stored.name, params.visibility, options.source);
  // Schedules and other processes launch as configured; a person or program launches only what they may.
  if (options.source === 'run') {
    requireAllowed(await ctx.access.mayLaunch(caller, { name: definition.stored.name, object: definition.object }), 'LAUNCH_NOT_ALLOWED', {
      definition: definition.stored.name,
      caller: caller.person,
    });
  }
  const mode = effectiveMode(definition.stored.name, params, request.mode);
  const inputs = launchInputs(definition, request);
  checkVariablesSize(`the launch of "${definition.stored.name}"`, inputs, ctx.limits);
  const now = ctx.clock();
  const option = options.resultOption ?? params?.resultOption ?? 'delete';
  // Waveset names a task after its definition when the launch names none, which is what makes wait, rename and
  // terminate mean anything for ordinary launches. With the default (delete) an unnamed launch keeps its generated,
  // unique name: no lookup, no contention on one name (docs/decisions/0012-result-option-unnamed-launches.md).
  const taskName = request.taskName ?? (option !== 'delete' ? definition.stored.name : undefined);
  // The identity it updates, however it is named: the lock holds that identity's key (launch-subject.ts).
  const named = await launchSubject(ctx.repository.identities, request.subject, inputs, definition.object.type === 'Workflow');
  if (named !== undefined && !named.hold) {
    const holder = await ctx.store.subjectHolder(named.key);
    if (holder !== undefined) throw subjectBusy(named.subject, holder);
  }
  const holds = named !== undefined && named.hold;
  const record = newInstanceRecord(definition, {
    ...(taskName !== undefined && { name: taskName }),
    launcher,
    ...(holds && { subject: named.subject, subjectKey: named.key }),
    inputs,
    now,
  });
  // A generated name carries the new instance's id: no instance can hold it yet, so there is nothing to look up.
  const existing = taskName !== undefined ? await ctx.store.getInstanceByName(record.name) : undefined;
  const plan = planResultOption(existing, option, launcher, now);
  if (record.subjectKey !== null) {
    const holder = await ctx.store.subjectHolder(record.subjectKey);
    if (holder !== undefined && !(plan.deleteInstances ?? []).includes(holder)) throw subjectBusy(record.subject ?? '', holder);
  }
  const launched = {
    ...auditBase(record),
    at: now,
    event: 'launched',
    actor: launcher,
    data: {
      mode,
      version: record.definitionVersion,
      ...(record.subject !== null && { subject: record.subject }),
      source: options.source,
      ...(options.schedule && { schedule: options.schedule.name, occurrence: new Date(options.schedule.occurrence).toISOString() }),
    },
  };
  const scheduled = options.schedule?.audit ?? [];
  const replace = {
    ...(plan.deleteInstances && { deleteInstances: plan.deleteInstances }),
    ...(plan.renameInstances && { renameInstances: plan.renameInstances }),
    ...(options.schedule && { schedule: options.schedule.change }),
  };

  if (mode === 'sync') {
    const running = { ...record, state: 'executing' as const, wakeAt: null, runnable: false };
    // Usually one commit at the first wait or the end; a long run of automatic steps also commits checkpoints.
    const at: AdvancePosition = { before: running, insert: true, audit: [...scheduled, ...plan.audit, launched], extra: replace, now, checkpoints: 0 };
    const advanced = await advanceWithCheckpoints(ctx, definition, at, (runCtx) => ctx.interpreter.start(definition.object, record.variables, runCtx));
    if (advanced.kind === 'refused') {
      if (at.checkpoints > 0) return currentView(ctx, record.id);
      throw refusal(advanced.status, record);
    }
    const built = outcomeWrite(ctx, { before: at.before, definition, outcome: advanced.outcome, now: at.now, insert: at.insert, audit: at.audit, ...(at.extra && { extra: at.extra }) });
    const [status] = await ctx.store.commit(built.writes);
    // After a checkpoint, somebody else may have moved the instance on (a decision on an item it offered): show that.
    if (status !== 'committed' && at.checkpoints > 0) return currentView(ctx, record.id);
    check(status, record);
    // Open items: none once it ended; after a checkpoint, also those an earlier commit created, so they are read back.
    const ended = built.instance.state !== 'executing';
    const open = ended ? [] : at.checkpoints > 0 ? await ctx.store.listWorkItems({ instanceId: record.id, state: 'open' }) : built.createdItems;
    return { instance: toTaskView(built.instance), workItems: open.map(toWorkItemView) };
  }

  const write: InstanceWrite = {
    instance: { ...record, revision: 1 },
    expectedRevision: null,
    ...(record.subjectKey !== null && { acquireSubject: record.subjectKey }),
    audit: [...scheduled, ...plan.audit, launched],
    ...replace,
  };
  check((await ctx.store.commit([write]))[0], record);
  // asyncImmediate: committed like async, then advanced at once in this process instead of waiting for a worker.
  if (mode === 'asyncImmediate') ctx.kick([record.id]);
  return { instance: toTaskView(write.instance), workItems: [] };
}

/** The definition a launch names: the one of its type when `type` is given; refused when two types share the name. */
function chooseDefinition(ctx: EngineContext, request: LaunchRequest): LoadedDefinition {
  const all = ctx.definitions.launchables(request.definition);
  const candidates = request.type === undefined ? all : all.filter((d) => d.stored.type === request.type);
  if (all.length === 0) throw definitionNotFound(request.definition, ctx.definitions.launchableNames());
  // Only a `type` can filter every one of them out: the name is there, as the other type.
  if (candidates.length === 0) {
    throw new NotFoundError('DEFINITION_NOT_FOUND', `no ${request.type} named "${request.definition}"; there is a ${all[0]!.stored.type} of that name`, {
      definition: request.definition,
      type: request.type,
    });
  }
  if (candidates.length > 1) {
    const types = candidates.map((d) => d.stored.type);
    throw new ConflictError(
      'DEFINITION_AMBIGUOUS',
      `"${request.definition}" names both a ${types.join(' and a ')}; say which to launch (--type ${types.join(' or --type ')})`,
      { definition: request.definition, types },
    );
  }
  return candidates[0]!;
}

async function currentView(ctx: EngineContext, id: string): Promise<LaunchResult> {
  const row = await ctx.store.getInstance(id);
  if (!row) throw new TaskNotFoundError(id, 'ended and was deleted while it was being launched');
  const items = await ctx.store.listWorkItems({ instanceId: id, state: 'open' });
  return { instance: toTaskView(row), workItems: items.map(toWorkItemView) };
}

function check(status: CommitStatus | undefined, record: { readonly name: string; readonly subject: string | null }): void {
  if (status !== 'committed') throw refusal(status, record);
}

function refusal(status: CommitStatus | undefined, record: { readonly name: string; readonly subject: string | null }): Error {
  if (status === 'subject-busy') return subjectBusy(record.subject ?? '', undefined);
  if (status === 'schedule-moved') {
    return new ConflictError('SCHEDULE_OCCURRENCE_TAKEN', `another worker launched this schedule occurrence first; "${record.name}" was not launched again`, {
      name: record.name,
    });
  }
  return new ConflictError('TASK_NAME_IN_USE', `another TaskInstance named "${record.name}" was created at the same time`, { name: record.name });
}

/**
 * `DEFINITION_NOT_FOUND` with what to do: the nearest names (whatever their case), or, in a repository that holds no
 * launchable definition at all, how to get some.
 */
function definitionNotFound(typed: string, known: readonly string[]): NotFoundError {
  // Echoed to a terminal: a name with control characters is shown escaped.
  const name = escapeControls(typed);
  const message =
    known.length === 0
      ? `no TaskDefinition or Workflow named "${name}": the repository holds none yet; \`idflow init\` loads the default workflows, \`idflow import FILES\` yours`
      : `no TaskDefinition or Workflow named "${name}"${didYouMean(typed, known, 'the definitions are')}`;
  return new NotFoundError('DEFINITION_NOT_FOUND', message, { definition: name, ...(known.length > 0 && { near: nearestNames(typed, known) }) });
}

function subjectBusy(subject: string, holder: string | undefined): ConflictError {
  return new ConflictError(
    'SUBJECT_BUSY',
    `an update workflow is already running on ${subject}${holder ? ` (task instance ${holder})` : ''}; only one may run per user at a time`,
    { subject, ...(holder !== undefined && { instanceId: holder }) },
  );
}
