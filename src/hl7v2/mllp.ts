// MLLP transport (0x0B message 0x1C 0x0D over TCP) through @medplum/hl7's Hl7Connection (ACK correlation by control id,
// timeouts). Its own framing only looks for 0x1C 0x0D at the end of each TCP chunk and keeps every byte until then, so
// each socket is wrapped here in a bounded frame decoder that hands it exactly one whole frame per chunk.
import net from 'node:net';
import { Duplex } from 'node:stream';
import { Hl7Message } from '@medplum/core';
import { Hl7Connection, type Hl7MessageEvent } from '@medplum/hl7';
import { type AckCode, type AckError, type AckResult, buildAck, readAck } from './ack.js';
import { Hl7v2Error } from './errors.js';
import { type Hl7v2Message, leaf, parseHl7v2 } from './message.js';

const VT = 0x0b;
const END = Buffer.from([0x1c, 0x0d]);
const MAX_MESSAGE = 64 * 2 ** 20;

/**
 * Turns a byte stream into MLLP frame payloads. Bytes outside a frame are skipped; a frame larger than `maxBytes`
 * throws `MLLP_FRAME`.
 *
 * @example
 * ```ts
 * const d = new MllpFrameDecoder(1 << 20);
 * d.push(Buffer.from('\x0bMSH|…\x1c')); d.push(Buffer.from('\r')); // → [payload]
 * ```
 */
export class MllpFrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private inFrame = false;
  private scanned = 0;
  constructor(private readonly maxBytes: number = MAX_MESSAGE) {}

  /** Feed a chunk; returns the payloads of the frames it completes. */
  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Buffer[] = [];
    for (;;) {
      if (!this.inFrame) {
        const start = this.pending.indexOf(VT);
        if (start < 0) {
          this.pending = Buffer.alloc(0);
          return frames;
        }
        this.pending = this.pending.subarray(start + 1);
        this.inFrame = true;
        this.scanned = 0;
      }
      const end = this.pending.indexOf(END, this.scanned);
      if (end < 0) {
        if (this.pending.length > this.maxBytes) {
          throw new Hl7v2Error('MLLP_FRAME', `MLLP frame larger than ${this.maxBytes} bytes`);
        }
        this.scanned = Math.max(0, this.pending.length - 1);
        return frames;
      }
      frames.push(Buffer.from(this.pending.subarray(0, end)));
      this.pending = this.pending.subarray(end + 2);
      this.inFrame = false;
    }
  }
}

/** A socket seen through the frame decoder: each 'data' event is one whole frame (VT payload FS CR). */
class FramedSocket extends Duplex {
  constructor(
    readonly socket: net.Socket,
    maxBytes: number,
  ) {
    super({ readableObjectMode: true });
    const decoder = new MllpFrameDecoder(maxBytes);
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const f of decoder.push(chunk)) this.push(Buffer.concat([Buffer.from([VT]), f, END]));
      } catch (e) {
        this.destroy(e as Error);
      }
    });
    socket.on('end', () => this.push(null));
    socket.on('close', () => this.destroy());
    socket.on('error', (e) => this.destroy(e));
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.socket.write(chunk, cb);
  }
  override _final(cb: () => void): void {
    this.socket.end(cb);
  }
  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}

// Hl7Connection decodes/encodes with iconv; latin1 maps bytes to characters one to one, so the bytes reach
// parseHl7v2, which decodes them in the MSH-18 character set.
const toWire = (bytes: Uint8Array): Hl7Message => Hl7Message.parse(Buffer.from(bytes).toString('latin1'));
const fromWire = (m: Hl7Message): Buffer => Buffer.from(m.toString(), 'latin1');

/** Options of {@link MllpClient.connect} and {@link sendMllp}. */
export interface MllpClientOptions {
  host: string;
  port: number;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** How long to wait for the ACK of each message; default 30 s. */
  ackTimeoutMs?: number;
  maxMessageBytes?: number;
}

/** The answer to a message. */
export interface SendResult {
  ack: AckResult;
  /** The ACK as received. */
  bytes: Uint8Array;
}

/** An MLLP connection that sends one message at a time and waits for its ACK (matched on MSA-2 = MSH-10). */
export class MllpClient {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly closed: Promise<never>;
  private constructor(
    private readonly conn: Hl7Connection,
    private readonly framed: FramedSocket,
    private readonly opts: MllpClientOptions,
  ) {
    this.closed = new Promise<never>((_, reject) => {
      framed.once('close', () =>
        reject(
          new Hl7v2Error('MLLP_CLOSED', 'the connection closed before the ACK', { where: endpoint(opts) }),
        ),
      );
    });
    this.closed.catch(() => undefined);
  }

  /**
   * Open a connection.
   *
   * @example
   * ```ts
   * const c = await MllpClient.connect({ host: '127.0.0.1', port: 2575 });
   * const { ack } = await c.send(oru.bytes); await c.close();
   * ```
   */
  static async connect(opts: MllpClientOptions): Promise<MllpClient> {
    const socket = await openSocket(opts);
    const framed = new FramedSocket(socket, opts.maxMessageBytes ?? MAX_MESSAGE);
    framed.on('error', () => undefined);
    return new MllpClient(new Hl7Connection(framed as unknown as net.Socket, 'latin1'), framed, opts);
  }

  /** Send a message and resolve with its ACK; messages queue so that only one waits for an ACK at a time. */
  send(message: string | Uint8Array): Promise<SendResult> {
    const run = this.queue.then(() => this.sendOne(message));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sendOne(message: string | Uint8Array): Promise<SendResult> {
    const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
    const controlId = leaf(parseHl7v2(bytes).segments[0], 10);
    if (!controlId) throw new Hl7v2Error('HL7_MISSING', 'the message has no control id', { where: 'MSH-10' });
    const timeoutMs = this.opts.ackTimeoutMs ?? 30_000;
    let reply: Hl7Message;
    try {
      reply = await Promise.race([this.conn.sendAndWait(toWire(bytes), { timeoutMs }), this.closed]);
    } catch (e) {
      if (e instanceof Hl7v2Error) throw e;
      throw new Hl7v2Error('MLLP_TIMEOUT', `no ACK for ${controlId} within ${timeoutMs} ms`, {
        where: endpoint(this.opts),
        cause: e,
      });
    }
    const raw = fromWire(reply);
    const ack = readAck(raw);
    if (ack.ackedControlId !== controlId) {
      throw new Hl7v2Error('MLLP_ACK', `ACK for ${ack.ackedControlId}, not ${controlId}`, { where: 'MSA-2' });
    }
    return { ack, bytes: raw };
  }

  /** Close the connection. */
  async close(): Promise<void> {
    if (this.framed.destroyed) return;
    await this.conn.close();
  }
}

function endpoint(o: { host: string; port: number }): string {
  return `${o.host}:${o.port}`;
}

function openSocket(opts: MllpClientOptions): Promise<net.Socket> {
  const timeout = opts.connectTimeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: opts.host, port: opts.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Hl7v2Error('MLLP_CONNECT', `no connection within ${timeout} ms`, { where: endpoint(opts) }));
    }, timeout);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(
        new Hl7v2Error('MLLP_CONNECT', `cannot connect: ${(e as NodeJS.ErrnoException).code ?? e.message}`, {
          where: endpoint(opts),
          cause: e,
        }),
      );
    });
  });
}

/**
 * Send one message over MLLP and wait for its ACK (connect, send, close).
 *
 * @example
 * ```ts
 * const { ack } = await sendMllp(oru.bytes, { host: 'pfi.example', port: 2575, ackTimeoutMs: 10_000 });
 * if (ack.code !== 'AA') throw new Error(ack.errors[0]?.text);
 * ```
 */
export async function sendMllp(message: string | Uint8Array, opts: MllpClientOptions): Promise<SendResult> {
  const client = await MllpClient.connect(opts);
  try {
    return await client.send(message);
  } finally {
    await client.close();
  }
}

/** A message received by {@link startMllpServer}. */
export interface ReceivedMessage {
  bytes: Uint8Array;
  message: Hl7v2Message;
}

/** How the server answers a message. */
export interface MllpReply {
  code: AckCode;
  errors?: AckError[];
}

/** Options of {@link startMllpServer}. */
export interface MllpServerOptions {
  /** 0: any free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  onMessage: (m: ReceivedMessage) => MllpReply | Promise<MllpReply>;
  /** The ACK's MSH-7. */
  clock: () => Date;
  /** The ACKs' control ids; default `ACK` + a counter. */
  controlIds?: () => string;
  maxMessageBytes?: number;
  /** A connection idle this long is closed; default 60 s. */
  idleTimeoutMs?: number;
}

/** A running server. */
export interface MllpServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

function replyTo(bytes: Buffer, opts: MllpServerOptions, nextId: () => string): Promise<string | undefined> {
  let message: Hl7v2Message;
  try {
    message = parseHl7v2(bytes, { maxBytes: opts.maxMessageBytes ?? MAX_MESSAGE });
  } catch {
    // Without a readable MSH there is no control id to acknowledge.
    return Promise.resolve(undefined);
  }
  return Promise.resolve()
    .then(() => opts.onMessage({ bytes, message }))
    .catch((e: unknown) => ({ code: 'AE' as const, errors: [{ code: '207', text: (e as Error).message }] }))
    .then((r) =>
      buildAck({
        to: message,
        code: r.code,
        controlId: nextId(),
        clock: opts.clock,
        ...(r.errors ? { errors: r.errors } : {}),
      }),
    );
}

/**
 * Listen for MLLP messages; each is parsed, handed to `onMessage`, and answered with the ACK it returns (AE with
 * ERR 207 when `onMessage` throws). One message at a time per connection.
 *
 * @example
 * ```ts
 * const server = await startMllpServer({ port: 0, clock: () => new Date(), onMessage: ({ message }) => ({ code: 'AA' }) });
 * console.log(server.port); await server.close();
 * ```
 */
export async function startMllpServer(opts: MllpServerOptions): Promise<MllpServer> {
  let n = 0;
  const nextId = opts.controlIds ?? (() => `ACK${++n}`);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setTimeout(opts.idleTimeoutMs ?? 60_000, () => socket.destroy());
    const framed = new FramedSocket(socket, opts.maxMessageBytes ?? MAX_MESSAGE);
    framed.on('error', () => undefined);
    const conn = new Hl7Connection(framed as unknown as net.Socket, 'latin1');
    let chain: Promise<void> = Promise.resolve();
    conn.addEventListener('message', (ev: Hl7MessageEvent) => {
      const bytes = fromWire(ev.message);
      chain = chain.then(async () => {
        const ack = await replyTo(bytes, opts, nextId);
        if (ack !== undefined && !framed.destroyed) conn.send(toWire(Buffer.from(ack, 'utf8')));
      });
    });
    conn.addEventListener('error', () => undefined);
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
