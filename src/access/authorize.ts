/**
 * The ONE place that answers "may this caller …" (DESIGN decision 9), for the CLI, the HTTP API and the console.
 * The rules (docs/decisions/access-model.md):
 *
 * - administrators (the CLI's local caller, accounts marked administrator) may launch, see, suspend, resume,
 *   terminate, import and administer everything; they decide and purge only by the same rules as anybody: being an
 *   administrator is not being an approver;
 * - launch: (Netwrix) the Request permission, the start state's `/Custom/Workflows/<wf>/<first>/ActionPending`;
 *   (TaskDefinition) `/Workflows/WorkflowInstance/Start` or `/Workflows/WorkflowInstance/Start/<name>`;
 * - see: the launcher, anyone who holds, held or may decide one of its work items, and supervisors;
 * - supervise (see, suspend, resume, terminate): `/Workflows/WorkflowInstance/Supervise` over every instance,
 *   `/Custom/Workflows/Supervise/<EntityType>` over the Netwrix workflows of that entity type;
 *   `/Workflows/WorkflowInstance/Resume` also lets a person resume;
 * - decide and delegate: {@link mayDecide} (owner or permission holder), then the four-eyes rule
 *   (src/access/four-eyes.ts): an approval is not decided by the person who launched the instance nor by its
 *   subject, however it was offered; nor handed to them ({@link AccessPolicy.mayHold});
 * - purge: {@link mayPurge} (the Aborted permission of the activity);
 * - a token caller also needs the scope of the action (src/access/caller.ts).
 */
import type { ProcessObject } from '../definition/model/objects.js';
import type { PermissionResolver, WorkItemView } from '../engine/engine-api.js';
import { NotAuthorizedError } from '../errors.js';
import type { Repository } from '../repository/repository.js';
import { hasScope, scopeOf, type AccessAction, type Caller } from './caller.js';
import { mayDecide, type DecideVerdict } from './may-decide.js';
import { mayPurge } from './may-purge.js';
import { isTemplateName, TEMPLATES } from '../definition/netwrix/templates.js';
import { statePermission } from '../definition/netwrix/compile-workflow.js';
import { fourEyesReason, type FourEyesTask } from './four-eyes.js';

/** Why a caller may do something, or why not. */
export type Verdict = { readonly allowed: true; readonly as?: string } | Refusal;
export interface Refusal {
  readonly allowed: false;
  readonly reason: string;
}

/** Start any TaskDefinition (the vendor's API permission); `…/Start/<name>` starts that one only. */
export const START_PERMISSION = '/Workflows/WorkflowInstance/Start';

/**
 * The permission that lets a person launch `definition`: a Netwrix workflow's start state (the Request item the
 * launcher will own), else `/Workflows/WorkflowInstance/Start/<name>`. Undefined for a Netwrix workflow whose first
 * activity has no waiting state (a system template first): only administrators and processes launch those.
 */
export function launchPermission(definition: { readonly name: string; readonly object: ProcessObject }): string | undefined {
  if (definition.object.type !== 'Workflow') return `${START_PERMISSION}/${definition.name}`;
  const first = definition.object.activities[0];
  if (!first || !isTemplateName(first.template)) return undefined;
  const start = TEMPLATES[first.template].states.find((s) => s.role === 'waiting');
  return start === undefined ? undefined : statePermission(definition.name, first.identifier, start.short);
}
/** See and control every instance. */
export const SUPERVISE_ALL_PERMISSION = '/Workflows/WorkflowInstance/Supervise';
/** Resume a suspended instance. */
export const RESUME_PERMISSION = '/Workflows/WorkflowInstance/Resume';
/** See and control the Netwrix workflows of one entity type: `/Custom/Workflows/Supervise/<EntityType>`. */
export const SUPERVISE_ENTITY_PREFIX = '/Custom/Workflows/Supervise/';

/** What the module needs to know of a TaskInstance. */
export interface TaskFacts {
  readonly id: string;
  readonly launcher: string;
  readonly subject?: string | null;
  readonly definition: { readonly id: string; readonly type: string; readonly name: string };
}

export class AccessPolicy {
  readonly #repository: Repository;
  readonly #permissions: PermissionResolver | undefined;
  /** Definition version id → entity type ('' for none). Versions never change, so this never goes stale. */
  readonly #entityTypes = new Map<string, string>();

  constructor(repository: Repository, permissions: PermissionResolver | undefined) {
    this.#repository = repository;
    this.#permissions = permissions;
  }

  get permissions(): PermissionResolver | undefined {
    return this.#permissions;
  }

  async holds(caller: Caller, permission: string): Promise<boolean> {
    return this.#permissions !== undefined && (await this.#permissions(caller.person, permission));
  }

  /**
   * Launch rights (docs/decisions/launch-rights.md). A Netwrix workflow: only the permission of its start state
   * (`/Custom/Workflows/<wf>/<first activity>/ActionPending` for an Action or ActionWithRefine first activity), the
   * state whose work item the launcher will own; no other permission on the first activity (Aborted, Purged,
   * RefinePending are other rights) and not the generic Start permission. A TaskDefinition:
   * `/Workflows/WorkflowInstance/Start` (every one) or `/Workflows/WorkflowInstance/Start/<name>` (that one).
   * Administrators launch anything in their own name; the CLI's `--as P` launches as P, with P's rights.
   */
  async mayLaunch(caller: Caller, definition: { readonly name: string; readonly object: ProcessObject }): Promise<Verdict> {
    const scope = this.#scope(caller, 'launch');
    if (scope) return scope;
    if (caller.administrator && caller.asPerson !== true) return { allowed: true, as: 'administrator' };
    const needed = launchPermission(definition);
    if (definition.object.type === 'Workflow') {
      if (needed !== undefined && (await this.holds(caller, needed))) return { allowed: true, as: 'permission' };
      return { allowed: false, reason: `launching "${definition.name}" needs its Request permission ${needed ?? '(none: its first activity has no waiting state)'}; ${caller.person} does not hold it` };
    }
    if ((await this.holds(caller, START_PERMISSION)) || (await this.holds(caller, needed!))) return { allowed: true, as: 'permission' };
    return { allowed: false, reason: `launching "${definition.name}" needs ${START_PERMISSION} or ${needed!}; ${caller.person} holds neither` };
  }

  /** A supervisor of the instance: sees and controls it. */
  async supervises(caller: Caller, task: TaskFacts): Promise<boolean> {
    if (caller.administrator) return true;
    if (await this.holds(caller, SUPERVISE_ALL_PERMISSION)) return true;
    const entityType = await this.#entityType(task.definition.id);
    return entityType !== '' && (await this.holds(caller, `${SUPERVISE_ENTITY_PREFIX}${entityType}`));
  }

  /** True when the caller sees every instance (lists need no per-row check). */
  async seesEverything(caller: Caller): Promise<boolean> {
    return hasScope(caller, 'see') && (caller.administrator || (await this.holds(caller, SUPERVISE_ALL_PERMISSION)));
  }

  /**
   * `involved`: the work items of the instance, when the caller is not its launcher or a supervisor (one query the
   * caller makes only then).
   */
  async maySee(caller: Caller, task: TaskFacts, involved?: () => Promise<readonly WorkItemView[]>): Promise<Verdict> {
    const scope = this.#scope(caller, 'see');
    if (scope) return scope;
    if (task.launcher === caller.person) return { allowed: true, as: 'launcher' };
    if (await this.supervises(caller, task)) return { allowed: true, as: 'supervisor' };
    if (involved) {
      for (const item of await involved()) {
        if (item.owner === caller.person || item.delegatedFrom === caller.person || item.decidedBy === caller.person) return { allowed: true, as: 'participant' };
        if (item.state === 'open' && (await mayDecide(caller.person, item, this.#permissions)).allowed) return { allowed: true, as: 'participant' };
      }
    }
    return { allowed: false, reason: `${caller.person} neither launched task instance ${task.id}, nor takes part in it, nor supervises it` };
  }

  async mayControl(caller: Caller, action: 'suspend' | 'resume' | 'terminate', task: TaskFacts): Promise<Verdict> {
    const scope = this.#scope(caller, action);
    if (scope) return scope;
    if (await this.supervises(caller, task)) return { allowed: true, as: 'supervisor' };
    if (action === 'resume' && (await this.holds(caller, RESUME_PERMISSION))) return { allowed: true, as: 'permission' };
    const entityType = await this.#entityType(task.definition.id);
    const what = entityType !== '' ? `${SUPERVISE_ALL_PERMISSION} or ${SUPERVISE_ENTITY_PREFIX}${entityType}` : SUPERVISE_ALL_PERMISSION;
    return { allowed: false, reason: `to ${action} task instance ${task.id}, ${caller.person} needs ${what}` };
  }

  /** Bulk operations over a query: only who supervises every instance. */
  async mayControlAll(caller: Caller, action: 'terminate' | 'administer'): Promise<Verdict> {
    const scope = this.#scope(caller, action);
    if (scope) return scope;
    if (caller.administrator || (await this.holds(caller, SUPERVISE_ALL_PERMISSION))) return { allowed: true };
    return { allowed: false, reason: `${caller.person} would need ${SUPERVISE_ALL_PERMISSION} or to be an administrator` };
  }

  /**
   * Who may decide (or delegate) `item`. With `task` (its instance) the four-eyes rule applies too
   * (src/access/four-eyes.ts): an approval, however it reached its holder (permission, name, delegation,
   * out-of-office), is not decided by the instance's subject, nor by its launcher unless the definition gave the item
   * to the launcher as their own form. Administrators are held to it like anybody.
   */
  async mayDecide(caller: Caller, item: Pick<WorkItemView, 'id' | 'owner' | 'permission' | 'delegatedFrom'> & Partial<Pick<WorkItemView, 'activity' | 'itemType'>>, task?: FourEyesTask): Promise<DecideVerdict> {
    const scope = this.#scope(caller, 'decide');
    if (scope) return scope;
    const verdict = await mayDecide(caller.person, item, this.#permissions);
    if (!verdict.allowed || task === undefined) return verdict;
    const reason = fourEyesReason(caller.person, { ...item, activity: item.activity ?? '' }, task);
    return reason === undefined ? verdict : { allowed: false, reason };
  }

  /**
   * May `to` be given `item` (a delegation, a Refine, an out-of-office hand-over)? Refused when the item would stay an
   * approval in `to`'s hands and `to` is its launcher or subject: the four-eyes rule applies at assignment time too,
   * so nobody is handed an item they could not decide. A Netwrix Delegate or Refine leads to a `RefinePending` item
   * (the requester's work, feedback), which anybody may be given.
   */
  mayHold(to: string, item: Pick<WorkItemView, 'id' | 'activity' | 'owner' | 'permission' | 'itemType' | 'delegatedFrom'>, task: FourEyesTask, how: 'delegation' | 'hand-over'): Verdict {
    const held = { ...item, owner: to, delegatedFrom: item.owner ?? 'a permission holder' };
    // A template item delegated or refined moves on to the RefinePending state: not an approval any more.
    if (how === 'delegation' && item.permission !== undefined) return { allowed: true };
    if (how === 'delegation' && /-(ActionPending|RefinePending|ReviewPending)$/.test(item.activity)) return { allowed: true };
    const reason = fourEyesReason(to, held, task);
    return reason === undefined ? { allowed: true } : { allowed: false, reason: `${how === 'delegation' ? 'it cannot be delegated' : 'it cannot be handed over'} to ${to}: ${reason}` };
  }

  /**
   * Declare or clear `person`'s absence (out of office, docs/decisions/out-of-office.md): the person themself, or an
   * administrator for anybody; a token needs the `decide` scope (it hands work items on).
   */
  mayDeclareAbsence(caller: Caller, person: string): Verdict {
    const scope = this.#scope(caller, 'delegate');
    if (scope) return scope;
    if (person === caller.person) return { allowed: true, as: 'owner' };
    if (caller.administrator) return { allowed: true, as: 'administrator' };
    return { allowed: false, reason: `${caller.person} may declare only their own absence, not ${person}'s (administrators may)` };
  }

  async mayPurge(caller: Caller, permission: string): Promise<Verdict> {
    const scope = this.#scope(caller, 'purge');
    if (scope) return scope;
    return mayPurge(caller.person, permission, this.#permissions);
  }

  /** Import definitions, manage accounts, tokens and profiles, delete kept results. */
  mayAdminister(caller: Caller, action: 'import' | 'administer'): Verdict {
    const scope = this.#scope(caller, action);
    if (scope) return scope;
    if (caller.administrator) return { allowed: true, as: 'administrator' };
    return { allowed: false, reason: `${action === 'import' ? 'importing definitions' : 'this'} is for administrators; ${caller.person} is not one` };
  }

  #scope(caller: Caller, action: AccessAction): Refusal | undefined {
    if (hasScope(caller, action)) return undefined;
    return { allowed: false, reason: `the API token of ${caller.person} lacks the scope "${scopeOf(action)}" needed to ${action}` };
  }

  async #entityType(definitionId: string): Promise<string> {
    let type = this.#entityTypes.get(definitionId);
    if (type === undefined) {
      const stored = await this.#repository.objects.getById(definitionId);
      type = stored?.model.type === 'Workflow' ? stored.model.entityType : '';
      this.#entityTypes.set(definitionId, type);
    }
    return type;
  }
}

/** Throws the refusal when the verdict says no. */
export function requireAllowed(verdict: Verdict | DecideVerdict, code: string, details: Readonly<Record<string, unknown>>): void {
  if (!verdict.allowed) throw new NotAuthorizedError(code, verdict.reason, details);
}

/** Throws `ACCESS_NOT_ADMINISTRATOR` unless the caller may administer: the one check every administrators-only route and page makes. */
export function requireAdministrator(policy: Pick<AccessPolicy, 'mayAdminister'>, caller: Caller): void {
  requireAllowed(policy.mayAdminister(caller, 'administer'), 'ACCESS_NOT_ADMINISTRATOR', { actor: caller.person });
}
