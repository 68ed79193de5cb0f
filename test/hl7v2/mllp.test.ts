// MLLP over 127.0.0.1: servers started on port 0 by the tests and stopped by them.
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hl7Server } from '@medplum/hl7';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildOru,
  type DocumentMessage,
  Hl7v2Error,
  MllpClient,
  MllpFrameDecoder,
  type MllpServer,
  readAck,
  readOru,
  sendMllp,
  startMllpServer,
} from '../../src/hl7v2/index.js';
import { FIXED_CLOCK, LEVEL3_SCENARIOS, scenarioCda } from './helpers.js';

const VT = Buffer.from([0x0b]);
const FS = Buffer.from([0x1c]);
const CR = Buffer.from([0x0d]);

let messages: Array<{ name: string; n3: Uint8Array; bytes: Uint8Array; controlId: string }>;
beforeAll(async () => {
  messages = [];
  for (const [i, name] of LEVEL3_SCENARIOS.entries()) {
    const n3 = await scenarioCda(name);
    const event = name === 'replacement' ? 'replacement' : 'initial';
    const built = buildOru({ n3, event, controlId: `SCN${i + 1}`, clock: FIXED_CLOCK, recipients: [] });
    messages.push({ name, n3, bytes: built.bytes, controlId: built.controlId });
  }
});

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function server(
  onMessage: Parameters<typeof startMllpServer>[0]['onMessage'],
  maxMessageBytes?: number,
): Promise<MllpServer> {
  const s = await startMllpServer({
    port: 0,
    clock: FIXED_CLOCK,
    onMessage,
    ...(maxMessageBytes ? { maxMessageBytes } : {}),
  });
  cleanup.push(() => s.close());
  return s;
}

/** A raw TCP client: writes the given pieces one by one (with a pause between) and collects the frames it gets back. */
async function rawExchange(
  port: number,
  pieces: Buffer[],
  expectFrames: number,
): Promise<{ frames: Buffer[]; closed: boolean }> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  cleanup.push(() => void socket.destroy());
  await new Promise((r) => socket.once('connect', r));
  const decoder = new MllpFrameDecoder();
  const frames: Buffer[] = [];
  let closed = false;
  socket.on('data', (c) => frames.push(...decoder.push(c)));
  socket.on('close', () => {
    closed = true;
  });
  for (const p of pieces) {
    socket.write(p);
    await sleep(60);
  }
  for (let i = 0; i < 100 && frames.length < expectFrames && !closed; i++) await sleep(20);
  return { frames, closed };
}

describe('MLLP send and receive', () => {
  it('every bundled scenario sent over one connection: ACK AA matched on the control id, CDA bytes identical', async () => {
    const received: DocumentMessage[] = [];
    const s = await server(({ message }) => {
      received.push(readOru(message));
      return { code: 'AA' };
    });
    const client = await MllpClient.connect({ host: '127.0.0.1', port: s.port, ackTimeoutMs: 10_000 });
    cleanup.push(() => client.close());
    const acks = await Promise.all(messages.map((m) => client.send(m.bytes)));
    expect(acks.map((a) => [a.ack.code, a.ack.ackedControlId])).toEqual(
      messages.map((m) => ['AA', m.controlId]),
    );
    expect(received.map((r) => r.controlId)).toEqual(messages.map((m) => m.controlId));
    for (const [i, r] of received.entries())
      expect(Buffer.from(r.documents[0]!.bytes).equals(Buffer.from(messages[i]!.n3))).toBe(true);
  });

  it('sendMllp: AE with ERR 207 when the receiver fails on the message', async () => {
    const s = await server(() => {
      throw new Error('no room');
    });
    const { ack } = await sendMllp(messages[0]!.bytes, { host: '127.0.0.1', port: s.port });
    expect(ack).toMatchObject({
      code: 'AE',
      ackedControlId: 'SCN1',
      errors: [{ code: '207', text: 'no room' }],
    });
  });

  it('times out when no ACK comes', async () => {
    const silent = net.createServer((s) => s.resume()); // reads, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => silent.close(() => r())));
    const port = (silent.address() as net.AddressInfo).port;
    const c = await MllpClient.connect({ host: '127.0.0.1', port, ackTimeoutMs: 200 });
    cleanup.push(() => c.close());
    await expect(c.send(messages[0]!.bytes)).rejects.toMatchObject({
      code: 'MLLP_TIMEOUT',
      where: `127.0.0.1:${port}`,
    });
  });

  it('says when the peer closes before the ACK, and when nobody listens', async () => {
    const closer = net.createServer((sock) => sock.on('data', () => sock.destroy()));
    await new Promise<void>((r) => closer.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => closer.close(() => r())));
    const port = (closer.address() as net.AddressInfo).port;
    await expect(
      sendMllp(messages[0]!.bytes, { host: '127.0.0.1', port, ackTimeoutMs: 5000 }),
    ).rejects.toMatchObject({ code: 'MLLP_CLOSED' });
    const gone = await startMllpServer({ port: 0, clock: FIXED_CLOCK, onMessage: () => ({ code: 'AA' }) });
    await gone.close();
    const e = await sendMllp(messages[0]!.bytes, { host: '127.0.0.1', port: gone.port }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(Hl7v2Error);
    expect(e).toMatchObject({ code: 'MLLP_CONNECT' });
  });
});

describe('MLLP framing', () => {
  const frame = (b: Uint8Array) => Buffer.concat([VT, b, FS, CR]);

  it('a frame whose FS and CR arrive in two TCP chunks, then two frames in one chunk: three ACKs', async () => {
    const s = await server(() => ({ code: 'AA' }));
    const [a, b, c] = messages.map((m) => frame(m.bytes));
    const { frames } = await rawExchange(
      s.port,
      [a!.subarray(0, a!.length - 1), CR, Buffer.concat([b!, c!])],
      3,
    );
    expect(frames.map((f) => readAck(f).ackedControlId)).toEqual(['SCN1', 'SCN2', 'SCN3']);
  });

  it('@medplum/hl7 alone never sees the message whose FS and CR are split (why each socket is wrapped)', async () => {
    const seen: string[] = [];
    const medplum = new Hl7Server((conn) =>
      conn.addEventListener('message', (e) => seen.push(e.message.toString())),
    );
    medplum.start(0);
    await new Promise((r) => medplum.server!.once('listening', r));
    cleanup.push(() => medplum.stop({ forceDrainTimeoutMs: 0 }));
    const port = (medplum.server!.address() as net.AddressInfo).port;
    const a = frame(messages[0]!.bytes);
    await rawExchange(port, [a.subarray(0, a.length - 1), CR], 0);
    expect(seen).toEqual([]);
    await rawExchange(port, [a], 0);
    await sleep(100);
    expect(seen).toHaveLength(1); // the same frame in one chunk goes through
  });

  it('closes a connection whose frame grows past the limit', async () => {
    const s = await server(() => ({ code: 'AA' }), 1000);
    const { closed, frames } = await rawExchange(s.port, [Buffer.concat([VT, Buffer.alloc(5000, 0x41)])], 1);
    expect([closed, frames.length]).toEqual([true, 0]);
  });

  it('the decoder skips bytes between frames and keeps a frame across chunks', () => {
    const d = new MllpFrameDecoder(100);
    expect(d.push(Buffer.from('\r\n\x0bMSH|a\x1c'))).toEqual([]);
    expect(d.push(Buffer.from('\rjunk\x0bMSH|b\x1c\r'))).toEqual([
      Buffer.from('MSH|a'),
      Buffer.from('MSH|b'),
    ]);
    expect(() => d.push(Buffer.concat([VT, Buffer.alloc(200)]))).toThrow(
      expect.objectContaining({ code: 'MLLP_FRAME' }),
    );
  });
});
