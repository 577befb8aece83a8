import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, parseMessage, type IncomingRequest, type IncomingResponse, type SipRequest, type SipResponse } from '../../../src/telephony/sip/message.ts';
import { TransactionLayer, type Scheduler, type ServerTransaction, type TimerHandle } from '../../../src/telephony/sip/transaction.ts';
import type { Endpoint } from '../../../src/telephony/sip/transport.ts';

/** Virtual time: timers fire only when the test advances the clock. */
class FakeScheduler implements Scheduler {
  now = 0;
  private timers: { at: number; fire: () => void; cancelled: boolean }[] = [];
  after(ms: number, fire: () => void): TimerHandle {
    const timer = { at: this.now + ms, fire, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.timers.filter((t) => !t.cancelled && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      next.cancelled = true;
      this.now = next.at;
      next.fire();
    }
    this.now = end;
  }
}

const phone: Endpoint = { protocol: 'udp', address: '192.0.2.10', port: 5060 };

function request(method: string, branch = 'z9hG4bKaaa', extra = ''): IncomingRequest {
  const r = parseMessage([
    `${method} sip:800@192.0.2.1 SIP/2.0`, `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=${branch}`,
    'From: <sip:a@192.0.2.10>;tag=f', `To: <sip:800@192.0.2.1>${extra}`, 'Call-ID: c1', `CSeq: 1 ${method}`, '', '',
  ].join('\r\n'));
  if (!r.ok || r.message.kind !== 'request') throw new Error('fixture');
  return r.message;
}

function setup() {
  const scheduler = new FakeScheduler();
  const sent: { message: SipRequest | SipResponse; at: number; to: Endpoint }[] = [];
  const received: { request: IncomingRequest; transaction: ServerTransaction | undefined }[] = [];
  const layer = new TransactionLayer(
    { send: (message, to) => sent.push({ message, at: scheduler.now, to }) },
    { onRequest: (request, _source, transaction) => received.push({ request, transaction }), onStrayResponse: () => undefined },
    scheduler,
  );
  const statuses = () => sent.map((s) => (s.message.kind === 'response' ? s.message.status : s.message.method));
  return { scheduler, sent, received, layer, statuses };
}

describe('INVITE server transaction', () => {
  test('answers 100 Trying at once and absorbs a retransmitted INVITE by resending the last response', () => {
    const { layer, received, statuses } = setup();
    layer.receive(request('INVITE'), phone);
    assert.deepEqual(statuses(), [100]);
    received[0]?.transaction?.respond(createResponse(request('INVITE'), 180, { toTag: 't' }));
    layer.receive(request('INVITE'), phone);
    assert.deepEqual(statuses(), [100, 180, 180]);
    assert.equal(received.length, 1);
  });

  test('retransmits a non-2xx final response on Timer G (T1 doubling to T2) until the ACK', () => {
    const { layer, received, sent, scheduler, statuses } = setup();
    layer.receive(request('INVITE'), phone);
    received[0]?.transaction?.respond(createResponse(request('INVITE'), 486, { toTag: 't' }));
    scheduler.advance(500 + 1000 + 2000 + 4000 + 4000);
    assert.deepEqual(sent.filter((s) => s.message.kind === 'response' && s.message.status === 486).map((s) => s.at), [0, 500, 1500, 3500, 7500, 11500]);
    layer.receive(request('ACK', 'z9hG4bKaaa', ';tag=t'), phone);
    scheduler.advance(30_000);
    assert.equal(statuses().filter((s) => s === 486).length, 6);
    assert.equal(received.length, 1, 'the ACK for a non-2xx stays in the transaction');
    assert.equal(layer.size.servers, 0);
  });

  test('gives up on Timer H (64·T1) when no ACK comes', () => {
    const { layer, received, scheduler } = setup();
    layer.receive(request('INVITE'), phone);
    const transaction = received[0]?.transaction;
    let timedOut = false;
    if (transaction && 'onAckTimeout' in transaction) transaction.onAckTimeout = () => { timedOut = true; };
    transaction?.respond(createResponse(request('INVITE'), 603, { toTag: 't' }));
    scheduler.advance(31_999);
    assert.equal(timedOut, false);
    scheduler.advance(1);
    assert.equal(timedOut, true);
    assert.equal(layer.size.servers, 0);
  });

  test('after a 2xx, passes the ACK (a new transaction) to the core', () => {
    const { layer, received } = setup();
    layer.receive(request('INVITE'), phone);
    received[0]?.transaction?.respond(createResponse(request('INVITE'), 200, { toTag: 't' }));
    layer.receive(request('ACK', 'z9hG4bKbbb', ';tag=t'), phone);
    assert.equal(received[1]?.request.method, 'ACK');
    assert.equal(received[1]?.transaction, undefined);
  });

  test('responses go to the received/rport address of the top Via (RFC 3581)', () => {
    const { layer, received, sent } = setup();
    const r = parseMessage(serializeText(request('INVITE')).replace('branch=z9hG4bKaaa', 'branch=z9hG4bKaaa;received=203.0.113.5;rport=40000'));
    if (!r.ok || r.message.kind !== 'request') throw new Error('fixture');
    layer.receive(r.message, phone);
    received[0]?.transaction?.respond(createResponse(r.message, 180, { toTag: 't' }));
    assert.deepEqual(sent.map((s) => s.to), [
      { protocol: 'udp', address: '203.0.113.5', port: 40000 },
      { protocol: 'udp', address: '203.0.113.5', port: 40000 },
    ]);
  });
});

function serializeText(m: IncomingRequest): string {
  return [`${m.method} ${m.uri} SIP/2.0`, ...m.headers.map((h) => `${h.name}: ${h.value}`), '', ''].join('\r\n');
}

describe('non-INVITE server transaction', () => {
  test('answers a retransmitted BYE with the same response without bothering the core', () => {
    const { layer, received, statuses, scheduler } = setup();
    layer.receive(request('BYE'), phone);
    received[0]?.transaction?.respond(createResponse(request('BYE'), 200));
    layer.receive(request('BYE'), phone);
    assert.deepEqual(statuses(), [200, 200]);
    assert.equal(received.length, 1);
    scheduler.advance(32_000); // Timer J
    assert.equal(layer.size.servers, 0);
  });
});

describe('client transactions', () => {
  const outgoing = (method: string): SipRequest => ({
    kind: 'request', method, uri: 'sip:1001@192.0.2.10', body: '',
    headers: [
      { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKout' }, { name: 'From', value: '<sip:800@192.0.2.1>;tag=me' },
      { name: 'To', value: '<sip:1001@192.0.2.1>' }, { name: 'Call-ID', value: 'c2' }, { name: 'CSeq', value: `1 ${method}` },
    ],
  });
  const answer = (method: string, status: number): IncomingResponse => {
    const r = parseMessage([
      `SIP/2.0 ${status} X`, 'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKout', 'From: <sip:800@192.0.2.1>;tag=me',
      '<sip:1001@192.0.2.1>;tag=them'.replace(/^/, 'To: '), 'Call-ID: c2', `CSeq: 1 ${method}`, '', '',
    ].join('\r\n'));
    if (!r.ok || r.message.kind !== 'response') throw new Error('fixture');
    return r.message;
  };

  test('an INVITE is retransmitted on Timer A until a provisional response, then times out on Timer B only without one', () => {
    const { layer, sent, scheduler } = setup();
    const responses: number[] = [];
    let timedOut = false;
    layer.request(outgoing('INVITE'), phone, { onResponse: (r) => responses.push(r.status), onTimeout: () => { timedOut = true; } });
    scheduler.advance(3500);
    assert.deepEqual(sent.map((s) => s.at), [0, 500, 1500, 3500]);
    layer.receive(answer('INVITE', 180), phone);
    scheduler.advance(60_000);
    assert.equal(sent.length, 4);
    assert.equal(timedOut, false);
    layer.receive(answer('INVITE', 486), phone);
    assert.deepEqual(responses, [180, 486]);
    const ack = sent[4]?.message;
    assert.equal(ack?.kind === 'request' ? `${ack.method} ${ack.headers.find((h) => h.name === 'To')?.value}` : '', 'ACK <sip:1001@192.0.2.1>;tag=them');
  });

  test('a BYE nobody answers is retransmitted on Timer E (capped at T2) and times out on Timer F', () => {
    const { layer, sent, scheduler } = setup();
    let timedOut = false;
    layer.request(outgoing('BYE'), phone, { onResponse: () => undefined, onTimeout: () => { timedOut = true; } });
    scheduler.advance(32_000);
    assert.deepEqual(sent.map((s) => s.at), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    assert.equal(timedOut, true);
    assert.equal(layer.size.clients, 0);
  });
});
