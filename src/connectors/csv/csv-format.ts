/**
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by CRLF, a field quoted when it holds a comma,
 * a double quote, CR or LF, a quote inside a quoted field written twice. The reader accepts what the writer writes
 * and also bare LF line ends (a file edited by hand).
 */

/** One field, quoted when it must be. */
export function formatField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record with its CRLF. */
export function formatRecord(fields: readonly string[]): string {
  return `${fields.map(formatField).join(',')}\r\n`;
}

/** Every record of a CSV text; a final line end is optional, an empty text has no records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let started = false;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      started = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      started = true;
      i++;
    } else if (c === '\r' || c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      started = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      started = true;
      i++;
    }
  }
  if (started || field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
