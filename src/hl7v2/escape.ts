// HL7 v2 escape sequences (v2.5 §2.7): the delimiters inside a value are written \F\ \S\ \T\ \R\ \E\. CR and LF,
// which end a segment (LF/CRLF accepted on input), and the MLLP framing bytes VT and FS are written as hex
// (\X0D\ \X0A\ \X0B\ \X1C\) so that a value never splits a segment nor a frame.

/** The delimiters of a message: MSH-1 and the four characters of MSH-2. */
export interface EncodingCharacters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
}

/** `|^~\&`, the characters every CI-SIS profile prescribes. */
export const DEFAULT_ENCODING: EncodingCharacters = {
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
};

/**
 * Escape a value so it can sit inside a field, component or subcomponent.
 *
 * @example
 * ```ts
 * escapeHl7('A|B^C'); // 'A\\F\\B\\S\\C'
 * ```
 */
export function escapeHl7(value: string, enc: EncodingCharacters = DEFAULT_ENCODING): string {
  const e = enc.escape;
  const map = new Map<string, string>([
    [e, `${e}E${e}`],
    [enc.field, `${e}F${e}`],
    [enc.component, `${e}S${e}`],
    [enc.subcomponent, `${e}T${e}`],
    [enc.repetition, `${e}R${e}`],
    ['\r', `${e}X0D${e}`],
    ['\n', `${e}X0A${e}`],
    ['\u000B', `${e}X0B${e}`],
    ['\u001C', `${e}X1C${e}`],
  ]);
  let special = false;
  for (const c of map.keys()) {
    if (value.includes(c)) {
      special = true;
      break;
    }
  }
  if (!special) return value;
  let out = '';
  for (const c of value) out += map.get(c) ?? c;
  return out;
}

/**
 * Undo the escape sequences of a value: the five delimiter escapes, `\Xhh…\` (UTF-8 bytes), `\.br\` (line break);
 * `\H\`/`\N\` (highlighting) are dropped; anything else is kept as written.
 *
 * @example
 * ```ts
 * unescapeHl7('A\\F\\B\\X0A\\C'); // 'A|B\nC'
 * ```
 */
export function unescapeHl7(value: string, enc: EncodingCharacters = DEFAULT_ENCODING): string {
  const e = enc.escape;
  if (!value.includes(e)) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf(e, i);
    if (start < 0) break;
    const end = value.indexOf(e, start + 1);
    if (end < 0) break;
    out += value.slice(i, start);
    out += expand(value.slice(start + 1, end), enc) ?? value.slice(start, end + 1);
    i = end + 1;
  }
  return out + value.slice(i);
}

function expand(seq: string, enc: EncodingCharacters): string | undefined {
  switch (seq) {
    case 'F':
      return enc.field;
    case 'S':
      return enc.component;
    case 'T':
      return enc.subcomponent;
    case 'R':
      return enc.repetition;
    case 'E':
      return enc.escape;
    case '.br':
      return '\n';
    case 'H':
    case 'N':
      return '';
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(seq)) {
    const bytes = Buffer.from(seq.slice(1), 'hex');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return bytes.toString('latin1');
    }
  }
  return undefined;
}
