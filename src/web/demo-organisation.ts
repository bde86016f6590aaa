/**
 * The demo organisation `idflow serve --demo` sets up (docs/console.md, docs/decisions/console-demo-organisation.md):
 * four people with documented passwords, so that someone trying idflow can sign in and approve something without
 * reading code. Accounts that already exist are left alone (their passwords are never reset), so running it again
 * changes nothing; a real deployment never passes --demo.
 *
 * The default workflows ask the subject's manager and the resources' owners (docs/decisions/default-approvers.md),
 * not anyone holding a profile: so mona and owen are identities too (mona can be named a Manager), and owen owns the
 * demo resources, so that an access request for one of them lands in his My Tasks.
 */
import { AccessService } from '../access/access-service.js';
import type { ResourceKind } from '../identity/identity-rows.js';
import { planChangeSet } from '../identity/plan-change-set.js';
import { subjectKey } from '../identity/subject-key.js';
import type { Repository } from '../repository/repository.js';

export interface DemoPerson {
  readonly name: string;
  readonly password: string;
  readonly profiles: readonly string[];
  readonly role: string;
  /** Made an identity too (first and last name), so that workflows can name the person as a manager or owner. */
  readonly identity?: { readonly firstName: string; readonly lastName: string };
}

/** Documented, not secret: the demo is for a laptop, on 127.0.0.1. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { name: 'hana', password: 'hana-demo-1', profiles: ['HR'], role: 'HR: requests onboardings, changes and departures (Launch)' },
  {
    name: 'mona',
    password: 'mona-demo-1',
    profiles: ['Manager'],
    role: 'manager: reviews the onboardings and moves of her people (Manager: mona), requests access (My Tasks)',
    identity: { firstName: 'Mona', lastName: 'Manager' },
  },
  {
    name: 'owen',
    password: 'owen-demo-1',
    profiles: ['ResourceOwner'],
    role: 'owner of the demo resources (wiki, laptop): approves access requests for them (My Tasks)',
    identity: { firstName: 'Owen', lastName: 'Owner' },
  },
  { name: 'sam', password: 'sam-demo-1', profiles: [], role: 'no profile: sees and may do nothing' },
];

export interface DemoResource {
  readonly name: string;
  readonly kind: ResourceKind;
  readonly owners: readonly string[];
  readonly description: string;
}

/** Resources with no connector: an approved request assigns them without provisioning anything. */
export const DEMO_RESOURCES: readonly DemoResource[] = [
  { name: 'wiki', kind: 'application', owners: ['owen'], description: 'the company wiki (demo)' },
  { name: 'laptop', kind: 'device', owners: ['owen'], description: 'a laptop (demo)' },
];

/** Creates the demo people, their identities and the demo resources that do not exist yet; answers who was created. */
export async function ensureDemoOrganisation(repository: Repository, clock: () => number = Date.now): Promise<readonly DemoPerson[]> {
  const accounts = new AccessService({ repository, clock });
  const created: DemoPerson[] = [];
  for (const person of DEMO_PEOPLE) {
    if (!(await repository.access.getAccount(person.name))) {
      await accounts.createAccount({ name: person.name, password: person.password, by: 'demo' });
      if (person.profiles.length > 0) await repository.profiles.assign(person.name, person.profiles, 'demo', clock());
      created.push(person);
    }
    if (person.identity && !(await repository.identities.findIdentity(person.name))) {
      const now = clock();
      const write = await planChangeSet(
        repository.identities,
        { login: person.name, records: [{ kind: 'personal', data: { ...person.identity, email: `${person.name}@example.org` } }] },
        { now, idempotencyKey: `demo-identity-${person.name}`, instanceId: null, mode: 'persist', provisioning: false },
      );
      await repository.identities.apply([write]);
    }
  }
  for (const r of DEMO_RESOURCES) {
    if (await repository.identities.getResource(r.name)) continue;
    const now = clock();
    await repository.identities.putResource({
      id: `demo-${r.name}`,
      kind: r.kind,
      name: r.name,
      nameKey: subjectKey(r.name),
      displayName: null,
      description: r.description,
      connector: null,
      targetKey: null,
      owners: [...r.owners],
      birthright: null,
      createdAt: now,
      updatedAt: now,
    });
  }
  return created;
}
