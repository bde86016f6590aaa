/**
 * What is wrong with a file given as a definition, in words people act on: "it starts with `{`" rather than an XML
 * parser's complaint about text outside the root, "there is no such file" rather than `ENOENT`.
 */

/**
 * When the bytes cannot be XML because their first character (after a UTF-8 byte-order mark and white space) is a
 * printable ASCII character other than `<`, that character as a message fragment (`` `{` (JSON?) ``, `` `#` ``);
 * undefined when they may be XML, or are empty, UTF-16 or binary, which the XML reader reports itself
 * (`XML_EMPTY`, `XML_ENCODING`).
 */
export function notXmlStart(bytes: Uint8Array): string | undefined {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  const b = bytes[i];
  if (b === undefined || b === 0x3c || b < 0x21 || b > 0x7e) return undefined;
  return `\`${String.fromCharCode(b)}\`${guess(bytes.subarray(i, i + 16))}`;
}

function guess(head: Uint8Array): string {
  const text = Buffer.from(head).toString('latin1');
  if (/^[[{]/.test(text)) return ' (JSON?)';
  if (/^(---|%YAML)/.test(text)) return ' (YAML?)';
  if (text.startsWith('PK')) return ' (a ZIP archive?)';
  if (text.startsWith('%PDF')) return ' (a PDF?)';
  return '';
}

/** Why a file could not be read, from the error `stat`/`readFile` gave, as a sentence fragment. */
export function readErrorWords(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'there is no such file (check the path; a link must point to a file that exists)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied: this user may not read it';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'its symbolic links go round in a loop';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open; try fewer at once';
    case 'EIO':
      return 'the disk reported an input/output error';
    default:
      return `it could not be read (${code ?? (e instanceof Error ? e.message : String(e))})`;
  }
}
