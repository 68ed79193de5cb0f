/**
 * Base class of every error thrown by cisis-bio. `code` is stable and machine-readable;
 * `where` says where the problem is (a zod path, an XPath, a file:line:column) when known.
 */
export class CisisBioError extends Error {
  readonly code: string;
  readonly where?: string;
  constructor(code: string, message: string, options?: { where?: string; cause?: unknown }) {
    super(options?.where ? `${message} (at ${options.where})` : message, { cause: options?.cause });
    this.name = new.target.name;
    this.code = code;
    if (options?.where !== undefined) this.where = options.where;
  }
}

/** The XML input could not be read: malformed, too large, or carrying a DTD/entity declaration. */
export class XmlParseError extends CisisBioError {
  readonly line?: number;
  readonly column?: number;
  constructor(
    code:
      | 'XML_MALFORMED'
      | 'XML_TOO_LARGE'
      | 'XML_DTD_FORBIDDEN'
      | 'XML_EMPTY'
      | 'XML_TOO_DEEP'
      | 'XML_TOO_MANY_NODES',
    message: string,
    pos?: { line?: number; column?: number; file?: string },
  ) {
    const where =
      pos && (pos.file || pos.line)
        ? `${pos.file ?? '<input>'}${pos.line ? `:${pos.line}${pos.column ? `:${pos.column}` : ''}` : ''}`
        : undefined;
    super(code, message, where ? { where } : undefined);
    if (pos?.line !== undefined) this.line = pos.line;
    if (pos?.column !== undefined) this.column = pos.column;
  }
}
