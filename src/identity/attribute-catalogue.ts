/**
 * The attributes a change set may set on an identity's dated records, under their neutral names (what records
 * store), with the Netwrix names that mean them and their type. docs/change-sets.md lists them; anything else is
 * refused (`CHANGESET_ATTRIBUTE_UNKNOWN`) so that a misspelt attribute never vanishes silently.
 */
import type { RecordKind } from './identity-rows.js';

export type AttributeType = 'text' | 'date';

export interface AttributeSpec {
  readonly name: string;
  readonly kind: RecordKind;
  readonly type: AttributeType;
  readonly netwrix: readonly string[];
}

const spec = (name: string, kind: RecordKind, netwrix: readonly string[], type: AttributeType = 'text'): AttributeSpec => ({ name, kind, type, netwrix });

export const ATTRIBUTES: readonly AttributeSpec[] = [
  spec('firstName', 'personal', ['FirstName']),
  spec('lastName', 'personal', ['LastName']),
  spec('birthName', 'personal', ['BirthName']),
  spec('displayName', 'personal', ['DisplayName']),
  spec('email', 'personal', ['Mail', 'Email']),
  spec('phone', 'personal', ['PhoneNumber']),
  spec('mobile', 'personal', ['MobileNumber']),
  spec('birthDate', 'personal', ['BirthDate'], 'date'),
  spec('gender', 'personal', ['Gender']),
  spec('contractId', 'contract', ['ContractIdentifier']),
  spec('userType', 'contract', ['UserType']),
  spec('company', 'contract', ['Company']),
  spec('positionId', 'position', ['PositionIdentifier']),
  spec('title', 'position', ['Title']),
  spec('department', 'position', ['Department']),
  spec('location', 'position', ['Location', 'Site']),
  spec('costCenter', 'position', ['CostCenter']),
];

export const ATTRIBUTE_BY_NAME: ReadonlyMap<string, AttributeSpec> = new Map(ATTRIBUTES.map((a) => [a.name, a]));
export const ATTRIBUTE_BY_NETWRIX_NAME: ReadonlyMap<string, AttributeSpec> = new Map(ATTRIBUTES.flatMap((a) => a.netwrix.map((n) => [n, a] as const)));
