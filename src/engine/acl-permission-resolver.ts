/**
 * The default {@link PermissionResolver}: Netwrix AccessControlRules (definition objects) grant permissions to
 * profiles, and the repository's profile assignments say who holds which profile.
 *
 * A person holds a permission when one of their profiles has a rule (latest version) with an entry whose
 * `Permission` equals it and whose `CanExecute` is true, or an entry without the state
 * (`/Custom/Workflows/<wf>/<activity>`), which grants every state of that activity. The vendor calls that form
 * "unsafe" and the loader warns about it (`NETWRIX_PERMISSION_UNSAFE`); it is still honoured, as Netwrix does.
 * An entry with `CanExecute="false"` grants nothing. The rule's `EntityType` does not narrow anything: the
 * permission path already names the workflow.
 *
 * The rule index is built once and rebuilt only when the latest AccessControlRule versions change (one query
 * over their ids per check), so a decision costs two indexed lookups. Profile assignments are read on every
 * check: another process (`idflow profile assign`) may change them at any time.
 */
import { NOTIFICATION_PERMISSION_PREFIX, parseWorkflowPermission } from '../definition/netwrix/access-control-reader.js';
import type { DefinitionObject } from '../definition/model/objects.js';
import { allShortStates } from '../definition/netwrix/templates.js';
import type { Repository } from '../repository/repository.js';
import type { PermissionResolver } from './engine-api.js';

/** One entry of an AccessControlRule that grants something, with where it comes from. */
export interface AclGrant {
  /** As written in the rule. */
  readonly permission: string;
  readonly profile: string;
  /** The AccessControlRule's Identifier. */
  readonly rule: string;
  /** The entry names an activity but no state: it grants every state of that activity. */
  readonly everyState: boolean;
}

/** The latest AccessControlRules, by profile. */
export interface AclRuleIndex {
  /** Grants of each profile, in rule-name then entry order. Profiles whose rules grant nothing are absent. */
  readonly grantsByProfile: ReadonlyMap<string, readonly AclGrant[]>;
  /** Every profile a rule names (also those whose entries all have `CanExecute="false"`). */
  readonly profiles: ReadonlySet<string>;
}

/** What one person may act on, and why. */
export interface PersonPermissions {
  readonly person: string;
  /** The person's profiles, sorted. */
  readonly profiles: readonly string[];
  /** Profiles of the person that no AccessControlRule names (they grant nothing yet). */
  readonly unknownProfiles: readonly string[];
  readonly grants: readonly AclGrant[];
}

export interface AclPermissionResolver extends PermissionResolver {
  readonly held: (person: string) => Promise<readonly string[]>;
  /**
   * Who is notified at a workflow state (`Recipient Type="Profile"`): the people holding a profile whose rule has
   * an entry `/Custom/WorkflowsNotifications/<workflow>/<activity>/<state>` (or the same path without the state),
   * sorted. `CanExecute` does not matter here: the vendor's notification entries do not set it, and being told
   * is not acting. Accepts the `permission:` recipients of a notification record as they are.
   */
  notified(permission: string): Promise<readonly string[]>;
  /**
   * Who holds a workflow permission (`/Custom/Workflows/<workflow>/<activity>/<state>`, exactly or by a grant of the
   * whole activity), sorted: the people a work item offered by that permission is mailed to. Accepts `permission:`
   * recipients as they are.
   */
  holders(permission: string): Promise<readonly string[]>;
  /** The person's profiles and the grants they carry (`idflow profile permissions`). */
  permissionsOf(person: string): Promise<PersonPermissions>;
  /** The current rule index (rebuilt when the rules changed). */
  rules(): Promise<AclRuleIndex>;
}

/** Per profile, what the engine checks: exact permissions, and activities granted in every state. */
interface CompiledIndex extends AclRuleIndex {
  readonly exact: ReadonlyMap<string, ReadonlySet<string>>;
  /** Notification permissions (`/Custom/WorkflowsNotifications/…`, whatever CanExecute says) → profiles. */
  readonly notifications: ReadonlyMap<string, ReadonlySet<string>>;
  readonly wholeActivities: ReadonlyMap<string, ReadonlySet<string>>;
}

export function createAclPermissionResolver(repository: Repository): AclPermissionResolver {
  let cache: { readonly key: string; readonly index: CompiledIndex } | undefined;

  const rules = async (): Promise<CompiledIndex> => {
    const summaries = await repository.objects.list('AccessControlRule');
    const key = summaries.map((s) => s.id).join('\n');
    if (cache?.key === key) return cache.index;
    const stored = await repository.objects.listLatest('AccessControlRule');
    const index = compile(stored.map((s) => s.model));
    // Keyed by what was compiled, so a rule imported in between is picked up by the next check.
    cache = { key: stored.map((s) => s.id).join('\n'), index };
    return index;
  };

  const holds = async (person: string, permission: string): Promise<boolean> => {
    const [index, profiles] = await Promise.all([rules(), repository.profiles.profilesOf(person)]);
    return profiles.some((p) => {
      if (index.exact.get(p)?.has(permission)) return true;
      // A whole-activity grant is `/Custom/Workflows/<wf>/<activity>`: the item's permission one segment up.
      const whole = index.wholeActivities.get(p);
      return whole !== undefined && whole.has(permission.slice(0, permission.lastIndexOf('/')));
    });
  };

  const held = async (person: string): Promise<readonly string[]> => {
    const [index, profiles] = await Promise.all([rules(), repository.profiles.profilesOf(person)]);
    const out = new Set<string>();
    const states = allShortStates();
    for (const p of profiles) {
      for (const permission of index.exact.get(p) ?? []) out.add(permission);
      for (const activity of index.wholeActivities.get(p) ?? []) for (const s of states) out.add(`${activity}/${s}`);
    }
    return [...out].sort();
  };

  const permissionsOf = async (person: string): Promise<PersonPermissions> => {
    const [index, profiles] = await Promise.all([rules(), repository.profiles.profilesOf(person)]);
    return {
      person,
      profiles,
      unknownProfiles: profiles.filter((p) => !index.profiles.has(p)),
      grants: profiles.flatMap((p) => index.grantsByProfile.get(p) ?? []),
    };
  };

  const notified = async (recipient: string): Promise<readonly string[]> => {
    const permission = recipient.startsWith('permission:') ? recipient.slice('permission:'.length) : recipient;
    if (!permission.startsWith(NOTIFICATION_PERMISSION_PREFIX)) return [];
    const index = await rules();
    const profiles = new Set([...(index.notifications.get(permission) ?? []), ...(index.notifications.get(permission.slice(0, permission.lastIndexOf('/'))) ?? [])]);
    if (profiles.size === 0) return [];
    // Profile assignments are few next to instances; one read of them all keeps the store interface as it is.
    const people = new Set((await repository.profiles.list()).filter((a) => profiles.has(a.profile)).map((a) => a.person));
    return [...people].sort();
  };

  const holders = async (recipient: string): Promise<readonly string[]> => {
    const permission = recipient.startsWith('permission:') ? recipient.slice('permission:'.length) : recipient;
    const index = await rules();
    const activity = permission.slice(0, permission.lastIndexOf('/'));
    const profiles = new Set<string>();
    for (const [profile, set] of index.exact) if (set.has(permission)) profiles.add(profile);
    for (const [profile, set] of index.wholeActivities) if (set.has(activity)) profiles.add(profile);
    if (profiles.size === 0) return [];
    const people = new Set((await repository.profiles.list()).filter((a) => profiles.has(a.profile)).map((a) => a.person));
    return [...people].sort();
  };

  return Object.assign(holds, { held, notified, holders, permissionsOf, rules: async (): Promise<AclRuleIndex> => rules() });
}

function compile(models: readonly DefinitionObject[]): CompiledIndex {
  const grantsByProfile = new Map<string, AclGrant[]>();
  const exact = new Map<string, Set<string>>();
  const notifications = new Map<string, Set<string>>();
  const wholeActivities = new Map<string, Set<string>>();
  const profiles = new Set<string>();
  const add = <T>(map: Map<string, Set<T>>, key: string, value: T): void => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
  };
  for (const rule of models) {
    if (rule.type !== 'AccessControlRule') continue;
    profiles.add(rule.profile);
    for (const entry of rule.entries) {
      if (entry.permission.startsWith(NOTIFICATION_PERMISSION_PREFIX)) add(notifications, entry.permission, rule.profile);
      if (!entry.canExecute) continue;
      const parsed = parseWorkflowPermission(entry.permission);
      const everyState = typeof parsed === 'object' && parsed.state === undefined;
      const grants = grantsByProfile.get(rule.profile) ?? [];
      grants.push({ permission: entry.permission, profile: rule.profile, rule: rule.name, everyState });
      grantsByProfile.set(rule.profile, grants);
      if (everyState) add(wholeActivities, rule.profile, entry.permission);
      else add(exact, rule.profile, entry.permission);
    }
  }
  return { grantsByProfile, profiles, exact, wholeActivities, notifications };
}
