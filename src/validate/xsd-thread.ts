import { Worker } from 'node:worker_threads';
import { CisisBioError, XmlParseError } from '../common/errors.js';
import { workerEntry } from './worker-entry.js';
import { type RawXsdResult, XsdLoadError } from './xsd.js';

/** A document sent to the XSD thread. */
export interface XsdThreadRequest {
  id: number;
  xml: Uint8Array;
  file?: string;
}

/** The XSD thread's answer: libxml2's raw verdict, or the error it raised (as plain data, message without its "(at …)"). */
export interface XsdThreadReply {
  id: number;
  result?: RawXsdResult;
  error?:
    | { kind: 'parse'; code: string; message: string; file?: string; line?: number; column?: number }
    | { kind: 'load'; code: string; message: string; where?: string }
    | { kind: 'other'; message: string };
}

/**
 * The XSD step of a batch on a worker thread: libxml2 compiles the CDA schema (≈ 0.25 s) and validates each
 * document there while this thread runs the schematrons, so a cold single-document run pays for the longer of
 * the two, not their sum. Errors come back as the same typed errors the in-process step throws.
 */
export class XsdThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(r: RawXsdResult): void; reject(e: Error): void }>();
  private nextId = 0;
  private failure: Error | undefined;

  private constructor(xsdPath: string) {
    const entry = workerEntry('xsd-worker', 'xsd-worker.ts');
    this.worker = new Worker(entry.url, { workerData: { xsdPath }, eval: entry.eval === true });
    this.worker.on('message', (reply: XsdThreadReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.result) p.resolve(reply.result);
      else p.reject(toError(reply.error));
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('error', (e) =>
      fail(new CisisBioError('XSD_THREAD', `the XSD thread failed: ${e.message}`)),
    );
    this.worker.on('exit', (code) =>
      fail(new CisisBioError('XSD_THREAD', `the XSD thread stopped (exit ${code})`)),
    );
  }

  /** Start the thread; it begins compiling the schema at once. */
  static start(xsdPath: string): XsdThread {
    return new XsdThread(xsdPath);
  }

  /** libxml2's verdict on one document (the bytes are copied to the thread). */
  validate(xml: Uint8Array, file?: string): Promise<RawXsdResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<RawXsdResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({
        id,
        xml,
        ...(file !== undefined ? { file } : {}),
      } satisfies XsdThreadRequest);
    });
  }

  /** Stop the thread. */
  async close(): Promise<void> {
    this.failure ??= new CisisBioError('XSD_THREAD', 'the XSD thread was closed');
    await this.worker.terminate();
  }
}

function toError(e: XsdThreadReply['error']): Error {
  if (!e) return new CisisBioError('XSD_THREAD', 'the XSD thread answered nothing');
  if (e.kind === 'parse')
    return new XmlParseError(e.code as ConstructorParameters<typeof XmlParseError>[0], e.message, {
      ...(e.file !== undefined ? { file: e.file } : {}),
      ...(e.line !== undefined ? { line: e.line } : {}),
      ...(e.column !== undefined ? { column: e.column } : {}),
    });
  if (e.kind === 'load') return new XsdLoadError(e.message, e.where);
  return new CisisBioError('XSD_THREAD', e.message);
}
