import type { NotificationRecord, NotificationStore } from '../repository/notification-store.js';
import { NotificationAlreadySentError, NotificationNotFoundError } from './mail-errors.js';

/**
 * Makes a failed notification due again now, with its attempts reset (`idflow notification retry`): after the
 * address was corrected or the server's refusal was dealt with. A sent one is refused: it would arrive twice.
 */
export async function retryNotification(store: NotificationStore, id: string, now: number): Promise<NotificationRecord> {
  const n = await store.get(id);
  if (!n) throw new NotificationNotFoundError(id);
  if (n.state === 'sent') throw new NotificationAlreadySentError(id);
  // A row sent between the read and the update is not touched (the update wants failed or pending).
  if (!(await store.retry(id, now))) throw new NotificationAlreadySentError(id);
  return (await store.get(id))!;
}
