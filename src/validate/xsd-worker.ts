// Worker-thread entry of the XSD step of a batch (bundled as dist/xsd-worker.js): libxml2 compiles the CDA
// schema and validates here while the main thread runs the schematrons. Loads nothing but libxml2.
import { parentPort, workerData } from 'node:worker_threads';
import { CisisBioError, XmlParseError } from '../common/errors.js';
import { loadXsd, validateXsdRaw } from './xsd.js';
import type { XsdThreadReply, XsdThreadRequest } from './xsd-thread.js';

const { xsdPath } = workerData as { xsdPath: string };
const port = parentPort!;
const ready = loadXsd(xsdPath);
ready.catch(() => undefined); // reported with the first request

port.on('message', (msg: XsdThreadRequest) => {
  ready.then(
    () => {
      let reply: XsdThreadReply;
      try {
        reply = { id: msg.id, result: validateXsdRaw(msg.xml, xsdPath, msg.file) };
      } catch (e) {
        reply = { id: msg.id, error: describe(e, msg.file) };
      }
      port.postMessage(reply);
    },
    (e: unknown) => port.postMessage({ id: msg.id, error: describe(e) } satisfies XsdThreadReply),
  );
});

/** The message a CisisBioError was built with (its constructor appends " (at where)"). */
function bare(e: CisisBioError): string {
  const suffix = e.where ? ` (at ${e.where})` : '';
  return suffix && e.message.endsWith(suffix) ? e.message.slice(0, -suffix.length) : e.message;
}

function describe(e: unknown, file?: string): XsdThreadReply['error'] {
  if (e instanceof XmlParseError)
    return {
      kind: 'parse',
      code: e.code,
      message: bare(e),
      ...(file !== undefined ? { file } : {}),
      ...(e.line !== undefined ? { line: e.line } : {}),
      ...(e.column !== undefined ? { column: e.column } : {}),
    };
  if (e instanceof CisisBioError)
    return { kind: 'load', code: e.code, message: bare(e), ...(e.where ? { where: e.where } : {}) };
  return { kind: 'other', message: e instanceof Error ? e.message : String(e) };
}
