/**
 * From the recipients a process named to email addresses, at send time (docs/decisions/notification-addresses.md).
 *
 * - An entry with an `@` is an address already (Hardcoded, Binding and Expression recipients usually are).
 * - `permission:<path>` is everyone holding it: `/Custom/WorkflowsNotifications/…` through the notification
 *   entries of AccessControlRules, any other path (a work item's, an Actor recipient's) through its grants.
 * - Anything else is a person's login, looked up in the {@link AddressBook}.
 *
 * Looked up when the mail is sent, not when the step ran: a profile assigned or an address corrected in between is
 * honoured, and the step stays free of reads outside its instance (DESIGN decision 8).
 */
import { NOTIFICATION_PERMISSION_PREFIX } from '../definition/netwrix/access-control-reader.js';
import type { CompiledMailSettings } from './mail-settings.js';

/** Where a person's email address comes from. The identity store will provide one backed by identities' `email`. */
export interface AddressBook {
  addressOf(person: string): Promise<string | undefined>;
}

/** Who holds a permission: the engine's AclPermissionResolver answers both. */
export interface PermissionHolders {
  notified(permission: string): Promise<readonly string[]>;
  holders(permission: string): Promise<readonly string[]>;
}

const LOGIN = /^[A-Za-z0-9._-]+$/;

/** The settings' address book: the `addresses` table first, then `<login>@<domain>` for a plain login. */
export function settingsAddressBook(settings: Pick<CompiledMailSettings, 'addresses' | 'domain'>): AddressBook {
  return {
    async addressOf(person) {
      const listed = settings.addresses.get(person);
      if (listed !== undefined) return listed;
      return settings.domain !== null && LOGIN.test(person) ? `${person}@${settings.domain}` : undefined;
    },
  };
}

export interface ResolvedRecipients {
  /** Distinct addresses, in the order first met. */
  readonly addresses: readonly string[];
  /** Recipients that gave no address (a login without one, a permission nobody holds). */
  readonly unresolved: readonly string[];
}

export async function resolveRecipients(recipients: readonly string[], book: AddressBook, holders: PermissionHolders): Promise<ResolvedRecipients> {
  const addresses = new Set<string>();
  const unresolved: string[] = [];
  const person = async (name: string): Promise<boolean> => {
    const a = name.includes('@') ? name : await book.addressOf(name);
    if (a === undefined) return false;
    addresses.add(a);
    return true;
  };
  for (const r of recipients) {
    const name = r.trim();
    if (name === '') continue;
    if (name.startsWith('permission:')) {
      const path = name.slice('permission:'.length);
      const people = path.startsWith(NOTIFICATION_PERMISSION_PREFIX) ? await holders.notified(path) : await holders.holders(path);
      let any = false;
      for (const p of people) if (await person(p)) any = true;
      if (!any) unresolved.push(name);
    } else if (!(await person(name))) {
      unresolved.push(name);
    }
  }
  return { addresses: [...addresses], unresolved };
}
