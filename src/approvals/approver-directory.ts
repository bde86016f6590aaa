/**
 * What approver resolution and escalation look up: a person's manager, a resource's owners, a profile's holders.
 * The engine builds one over the repository for each advance ({@link directoryOver}); tests may give their own.
 */
import type { IdentityReader } from '../identity/identity-store.js';

export interface ApproverDirectory {
  /** The login of `login`'s manager; undefined when the person is unknown or has none. */
  managerOf(login: string): Promise<string | undefined>;
  /** The owners of a resource as stored (logins and `profile:<name>` entries); undefined when it is unknown. */
  resourceOwners(resource: string): Promise<readonly string[] | undefined>;
  /** Logins holding a profile, in a stable order. */
  profileHolders(profile: string): Promise<readonly string[]>;
  /** The login of a person named by id or login (a Netwrix subject is an identity id); undefined when unknown. */
  loginOf?(idOrLogin: string): Promise<string | undefined>;
}

/** Knows nobody: where no repository is open, only directly named approvers can be asked. */
export const EMPTY_DIRECTORY: ApproverDirectory = {
  managerOf: async () => undefined,
  resourceOwners: async () => undefined,
  profileHolders: async () => [],
};

/** A directory over the identity store and the profile assignments. */
export function directoryOver(identities: IdentityReader, profileHolders: (profile: string) => Promise<readonly string[]>): ApproverDirectory {
  return {
    async managerOf(login) {
      const person = await identities.findIdentity(login);
      const managerId = person?.identity.managerId;
      if (!managerId) return undefined;
      return (await identities.findIdentity(managerId))?.identity.login;
    },
    async resourceOwners(resource) {
      return (await identities.getResource(resource))?.owners;
    },
    profileHolders,
    async loginOf(idOrLogin) {
      return (await identities.findIdentity(idOrLogin))?.identity.login;
    },
  };
}
