import { InvalidInputError } from '../errors.js';

/**
 * The key an identity is compared by: what the one-update-workflow-per-user lock holds and what listings by subject
 * match. People type the same user many ways (`jdoe`, `JDOE`, ` jdoe`, `jdoe `, full-width `ｊｄｏｅ` pasted from
 * a form); all of them are one identity. The subject as given is still what is stored and shown; only comparisons
 * go through the key.
 *
 * The key is: Unicode NFKC (full-width and compatibility forms become their plain letters, ligatures split), then
 * leading and trailing white space removed (after NFKC, so an ideographic space counts), then case folded (upper
 * then lower case, so `ß` and `SS` fold alike), then NFKC again (case mapping can leave a sequence that NFKC
 * composes). Spaces inside the name are kept: `j doe` and `jdoe` stay different people.
 *
 * Refused (`SUBJECT_EMPTY`): a subject with nothing left after that. Refused (`SUBJECT_INVALID`): control
 * characters (terminal escapes, NUL, line breaks) anywhere in it, because the subject is printed to people.
 */
export function subjectKey(subject: string): string {
  const key = foldCase(subject.normalize('NFKC').trim()).normalize('NFKC');
  if (key === '') {
    throw new InvalidInputError('SUBJECT_EMPTY', `a subject names a user; "${escapeControls(subject)}" names nobody (it is empty or only spaces)`, {
      subject: escapeControls(subject),
    });
  }
  const control = firstControlCharacter(subject);
  if (control !== undefined) {
    throw new InvalidInputError(
      'SUBJECT_INVALID',
      `a subject may not hold control characters; this one holds U+${control.toString(16).toUpperCase().padStart(4, '0')}`,
      { subject: escapeControls(subject) },
    );
  }
  return key;
}

/** True when two subjects name the same identity (same {@link subjectKey}); false when either is refused. */
export function sameSubject(a: string, b: string): boolean {
  try {
    return subjectKey(a) === subjectKey(b);
  } catch {
    return false;
  }
}

function foldCase(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/**
 * The first C0 or C1 control character, DEL, or a bidirectional override or isolate (which reorders what a
 * terminal shows), as a code point; undefined when there is none.
 */
export function firstControlCharacter(text: string): number | undefined {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return c;
  }
  return undefined;
}

/** The text with every control character written as `\u{…}`, safe to print in a message. */
export function escapeControls(text: string): string {
  let out = '';
  for (const ch of text) out += firstControlCharacter(ch) !== undefined ? `\\u{${ch.codePointAt(0)!.toString(16)}}` : ch;
  return out;
}
