/**
 * The demo organisation `idflow serve --demo` sets up (docs/console.md, docs/decisions/console-demo-organisation.md):
 * four people with documented passwords, so that someone trying idflow can sign in and approve something without
 * reading code. Accounts that already exist are left alone (their passwords are never reset), so running it again
 * changes nothing; a real deployment never passes --demo.
 */
import { AccessService } from '../access/access-service.js';
import type { Repository } from '../repository/repository.js';

export interface DemoPerson {
  readonly name: string;
  readonly password: string;
  readonly profiles: readonly string[];
  readonly role: string;
}

/** Documented, not secret: the demo is for a laptop, on 127.0.0.1. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  { name: 'hana', password: 'hana-demo-1', profiles: ['HR'], role: 'HR: requests onboardings, changes and departures (Launch)' },
  { name: 'mona', password: 'mona-demo-1', profiles: ['Manager'], role: 'manager and reviewer: approves them (My Tasks)' },
  { name: 'owen', password: 'owen-demo-1', profiles: ['ResourceOwner'], role: 'resource owner: approves access requests (My Tasks)' },
  { name: 'sam', password: 'sam-demo-1', profiles: [], role: 'no profile: sees and may do nothing' },
];

/** Creates the demo people that do not exist yet; answers who was created. */
export async function ensureDemoOrganisation(repository: Repository, clock: () => number = Date.now): Promise<readonly DemoPerson[]> {
  const accounts = new AccessService({ repository, clock });
  const created: DemoPerson[] = [];
  for (const person of DEMO_PEOPLE) {
    if (await repository.access.getAccount(person.name)) continue;
    await accounts.createAccount({ name: person.name, password: person.password, by: 'demo' });
    if (person.profiles.length > 0) await repository.profiles.assign(person.name, person.profiles, 'demo', clock());
    created.push(person);
  }
  return created;
}
