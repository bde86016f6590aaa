import type { Migration } from '../migration.js';
import { m0001ObjectStore } from './0001-object-store.js';
import { m0002Runtime } from './0002-runtime.js';
import { m0003ProfileAssignments } from './0003-profile-assignments.js';
import { m0004ClaimAttempts } from './0004-claim-attempts.js';
import { m0005ChangeCounters } from './0005-change-counters.js';
import { m0006ListOrder } from './0006-list-order.js';
import { m0007SubjectKeys } from './0007-subject-keys.js';
import { m0008Identities } from './0008-identities.js';
import { m0009Access } from './0009-access.js';
import { m0010Notifications } from './0010-notifications.js';
import { m0011Hr } from './0011-hr.js';
import { m0012OutOfOffice } from './0012-out-of-office.js';
import { m0013Birthright } from './0013-birthright.js';

/**
 * Every schema migration, oldest first. Append new ones at the end (one import and one entry per line);
 * never reorder, renumber or edit a migration that has been released.
 */
export const migrations: readonly Migration[] = [
  m0001ObjectStore,
  m0002Runtime,
  m0003ProfileAssignments,
  m0004ClaimAttempts,
  m0005ChangeCounters,
  m0006ListOrder,
  m0007SubjectKeys,
  m0008Identities,
  m0009Access,
  m0010Notifications,
  m0011Hr,
  m0012OutOfOffice,
  m0013Birthright,
];
