import type { Command } from 'commander';
import type { Repository } from '../../repository/repository.js';
import { action } from '../action.js';
import { openRequiredCliRepository, withRepository } from '../cli-repository.js';
import { didYouMean, nearestNames } from '../../definition/validate/suggest.js';
import { hasErrorCode, NotFoundError } from '../../errors.js';
import { addListOptions, listRequest, pageRows, printList, type ListColumn, type ListOptionValues } from '../list-output.js';
import { printJson, println, printTable, shortTime } from '../output.js';
import { personName } from '../option-values.js';
import { actingUser } from './run-support.js';

interface AssignOptions {
  readonly as?: string;
  readonly json?: boolean;
}

interface JsonOption {
  readonly json?: boolean;
}

interface ListOptions extends ListOptionValues {
  readonly person?: string;
}

/** A profile assignment as `profile list` pages it: dated by when it was made. */
interface AssignmentRow {
  readonly id: string;
  readonly createdAt: string;
  readonly person: string;
  readonly profile: string;
  readonly assignedAt: string;
  readonly assignedBy: string;
  readonly known: boolean;
}

const ASSIGNMENT_COLUMNS: readonly ListColumn<AssignmentRow>[] = [
  { name: 'person', text: (r) => r.person },
  { name: 'profile', text: (r) => (r.known ? r.profile : `${r.profile} (no rule)`), json: (r) => r.profile },
  { name: 'assigned-by', text: (r) => r.assignedBy },
  { name: 'assigned', text: (r) => shortTime(r.assignedAt), json: (r) => r.assignedAt },
  { name: 'known', text: (r) => (r.known ? 'yes' : 'no'), json: (r) => r.known, optional: true },
];
const ASSIGNMENT_FIELDS = ASSIGNMENT_COLUMNS.map((c) => c.name);

/** Everyone who holds a profile: the names a mistyped person is compared with. */
async function personsWithProfiles(repo: Repository): Promise<string[]> {
  return [...new Set((await repo.profiles.list()).map((r) => r.person))];
}

/** `PROFILE_NOT_ASSIGNED` with what the person does hold (nearest first), or, holding none, the nearest people who do. */
async function notAssigned(repo: Repository, person: string, e: NotFoundError): Promise<NotFoundError> {
  const held = await repo.profiles.profilesOf(person);
  const profile = String(e.details['profile'] ?? '');
  let hint: string;
  if (held.length > 0) hint = didYouMean(profile, held, `${person} holds`);
  else {
    const near = nearestNames(person, await personsWithProfiles(repo));
    hint = `; ${person} holds no profile${near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : ''}`;
  }
  return new NotFoundError('PROFILE_NOT_ASSIGNED', `${e.message}${hint}`, e.details);
}

/**
 * `idflow profile …`: who holds which profile. AccessControlRules grant permissions to profiles; a Netwrix work item
 * in a waiting state is offered to every person holding a profile with the state's permission.
 */
export function registerProfile(program: Command): void {
  const profile = program
    .command('profile')
    .summary('assign profiles to people (who may act on Netwrix work items)')
    .description(
      'AccessControlRules grant permissions (/Custom/Workflows/<workflow>/<activity>/<state>) to profiles; these ' +
        'commands say who holds which profile. A work item in a waiting state is offered to everyone whose profile ' +
        'holds its permission; the first to decide takes it.',
    );

  profile
    .command('assign')
    .summary('give a person one or more profiles')
    .description(
      'Gives PERSON the profiles, all or nothing. Assigning a profile the person holds already changes nothing. A ' +
        'profile that no AccessControlRule names is assigned all the same, with a warning: it grants nothing until a ' +
        'rule names it.',
    )
    .argument('<person>', 'the person (the name used with --as and --owner)')
    .argument('<profiles...>', 'profile names, as in AccessControlRule Profile="…"')
    .option('--as <user>', 'who makes the assignment (recorded); default $IDFLOW_USER or the system user')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow profile assign bob Manager
  idflow profile assign ann HR Administrator --as root`,
    )
    .action(
      action(async (personText: string, profiles: string[], options: AssignOptions, command: Command) => {
        const person = personName(personText, 'PERSON');
        const by = actingUser(options.as);
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const known = (await (await aclResolver(repo)).rules()).profiles;
          const results = await repo.profiles.assign(person, profiles, by, Date.now());
          for (const r of results) {
            if (!known.has(r.profile)) {
              const near = nearestNames(r.profile, [...known]);
              process.stderr.write(
                `idflow: warning PROFILE_UNKNOWN: no AccessControlRule names the profile "${r.profile}"; ` +
                  `assigned anyway, it grants nothing until a rule does${near.length > 0 ? ` (did you mean ${near.map((n) => `"${n}"`).join(' or ')}?)` : ''}\n`,
              );
            }
          }
          if (options.json) return printJson({ person, profiles: results.map((r) => ({ ...r, known: known.has(r.profile) })) });
          for (const r of results) println(r.status === 'assigned' ? `${person} now holds ${r.profile}` : `${person} already holds ${r.profile}`);
        });
      }),
    );

  profile
    .command('unassign')
    .summary('take profiles away from a person')
    .description('Takes the profiles away from PERSON, all or nothing: a profile the person does not hold is refused (PROFILE_NOT_ASSIGNED).')
    .argument('<person>', 'the person')
    .argument('<profiles...>', 'profile names')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow profile unassign bob Manager`,
    )
    .action(
      action(async (person: string, profiles: string[], options: JsonOption, command: Command) => {
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          try {
            await repo.profiles.unassign(person, profiles);
          } catch (e) {
            if (!hasErrorCode(e, 'PROFILE_NOT_ASSIGNED')) throw e;
            throw await notAssigned(repo, person, e as NotFoundError);
          }
          if (options.json) return printJson({ person, unassigned: [...new Set(profiles)] });
          for (const p of new Set(profiles)) println(`${person} no longer holds ${p}`);
        });
      }),
    );

  const list = profile
    .command('list')
    .summary('list profile assignments')
    .description(
      'Lists who holds which profile, newest assignment first; --person shows one person. Pages of --limit rows ' +
        '(default 50); a full page prints on stderr the --after cursor of the next.',
    )
    .option('--person <person>', 'only this person');
  addListOptions(list, ASSIGNMENT_FIELDS, 'assigned')
    .addHelpText(
      'after',
      `
Examples:
  idflow profile list
  idflow profile list --person bob --json
  idflow profile list --since 2025-02-01 --fields person,profile,assigned --output csv`,
    )
    .action(
      action(async (options: ListOptions, command: Command) => {
        const request = await listRequest(options, ASSIGNMENT_FIELDS);
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const all = await repo.profiles.list(options.person !== undefined ? { person: options.person } : {});
          if (options.person !== undefined && all.length === 0) {
            const near = nearestNames(options.person, await personsWithProfiles(repo));
            if (near.length > 0) process.stderr.write(`idflow: note: ${options.person} holds no profile; did you mean ${near.join(' or ')}?\n`);
          }
          const known = (await (await aclResolver(repo)).rules()).profiles;
          const rows = pageRows(
            all.map((r): AssignmentRow => {
              const assignedAt = new Date(r.assignedAt).toISOString();
              // A tab cannot be in a name (checkProfileName): person then profile break ties, unambiguously.
              return { ...r, assignedAt, known: known.has(r.profile), id: `${r.person}\t${r.profile}`, createdAt: assignedAt };
            }),
            request,
          );
          const empty = options.person !== undefined ? `${options.person} holds no profile` : 'no profile assignments';
          printList(rows, ASSIGNMENT_COLUMNS, request, empty, ({ person, profile: p, assignedAt, assignedBy, known: k }) => ({
            person,
            profile: p,
            assignedAt,
            assignedBy,
            known: k,
          }));
        });
      }),
    );

  profile
    .command('permissions')
    .summary('show what a person may act on')
    .description(
      "Lists the permissions PERSON holds through their profiles' AccessControlRules (latest versions), with the " +
        'profile and rule that grant each. A permission without a state grants every state of the activity.',
    )
    .argument('<person>', 'the person')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Examples:
  idflow profile permissions bob
  idflow profile permissions bob --json`,
    )
    .action(
      action(async (person: string, options: JsonOption, command: Command) => {
        await withRepository(await openRequiredCliRepository(command), async (repo) => {
          const mine = await (await aclResolver(repo)).permissionsOf(person);
          if (options.json) return printJson(mine);
          if (mine.profiles.length === 0) {
            const near = nearestNames(person, await personsWithProfiles(repo));
            if (near.length > 0) process.stderr.write(`idflow: note: ${person} holds no profile; did you mean ${near.join(' or ')}?\n`);
            return println(`${person} holds no profile, so nothing is offered to them by permission`);
          }
          println(`${person} holds ${mine.profiles.join(', ')}`);
          if (mine.unknownProfiles.length > 0) println(`no AccessControlRule names ${mine.unknownProfiles.join(', ')}`);
          if (mine.grants.length === 0) return println('their profiles grant no permission');
          printTable(mine.grants, [
            { header: 'permission', value: (g) => (g.everyState ? `${g.permission} (every state)` : g.permission) },
            { header: 'profile', value: (g) => g.profile },
            { header: 'rule', value: (g) => g.rule },
          ]);
        });
      }),
    );
}

/** The ACL resolver, loaded when a profile command runs (start-up time of every other command). */
async function aclResolver(repo: Repository) {
  const { createAclPermissionResolver } = await import('../../engine/acl-permission-resolver.js');
  return createAclPermissionResolver(repo);
}
