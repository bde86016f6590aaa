/**
 * What is wrong with a file given as a definition, in words people act on: "there is no such file" rather than
 * `ENOENT`. A file that is not XML (JSON, YAML, binary) is told by the XML reader itself (`FILE_NOT_XML`).
 */

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
