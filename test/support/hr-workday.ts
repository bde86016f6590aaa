/**
 * The "workday" HR source the HR-feed tests share (the feed's own tests and the console's HR imports page): its
 * mapping, a CSV file built from rows, and two people who join in February 2026.
 */
export const MAPPING = {
  name: 'workday',
  key: 'EmployeeID',
  columns: { EmployeeID: 'EmployeeId', Login: 'Login', FirstName: 'FirstName', LastName: 'LastName', Department: 'Department', HireDate: 'ContractStartDate' },
  dates: { HireDate: 'dd/MM/yyyy' },
  subject: 'Login',
  added: { workflow: 'User_Onboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute', startDate: 'ContractStartDate' },
  modified: { workflow: 'User_ChangeName', on: ['Department'], firstTransition: 'ActionWithRefine-ActionPending-Execute' },
  deleted: { workflow: 'User_Offboarding', firstTransition: 'ActionWithRefine-ActionPending-Execute' },
};

export const HEADER = 'EmployeeID,Login,FirstName,LastName,Department,HireDate';
/** A UTF-8 file of the header and these rows. */
export const csv = (...rows: string[]): Uint8Array => Buffer.from([HEADER, ...rows].join('\n') + '\n', 'utf8');
export const JANE = 'E1,jdoe,Jane,Doe,Finance,01/02/2026';
export const JOHN = 'E2,jsmith,John,Smith,Sales,15/02/2026';
