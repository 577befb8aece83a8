import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { until } from '../../support/until.ts';
import { onAudio } from '../../support/heard.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { RtpSession, type RtpSessionOptions } from '../../../src/telephony/rtp/rtp-session.ts';
import { PortAllocator } from '../../../src/telephony/rtp/ports.ts';
import { MediaBridge } from '../../../src/telephony/media/bridge.ts';
import { StereoRecorder } from '../../../src/telephony/media/recorder.ts';
import { parseWav } from '../../../src/telephony/media/wav.ts';
import { encodeG711 } from '../../../src/telephony/rtp/g711.ts';
import type { MediaLeg, MediaSink } from '../../../src/telephony/media/leg.ts';

const allocator = new PortAllocator({ min: 47300, max: 47399 });
const opened: RtpSession[] = [];
after(() => Promise.all(opened.map((s) => s.close())));

async function session(options: Partial<RtpSessionOptions>): Promise<RtpSession> {
  const s = await RtpSession.open({ allocator, bindAddress: '127.0.0.1', codec: 'PCMU', ...options });
  opened.push(s);
  return s;
}

function connect(a: RtpSession, b: RtpSession): void {
  a.setRemote({ address: '127.0.0.1', port: b.localPort });
  b.setRemote({ address: '127.0.0.1', port: a.localPort });
}

function tone(samples: number, amplitude: number, hz: number): Int16Array {
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000));
  return pcm;
}

const peak = (pcm: Int16Array) => pcm.reduce((m, s) => Math.max(m, Math.abs(s)), 0);

/** caller phone ⇄ [customer leg | bridge | agent leg] ⇄ agent phone */
async function topology(options: { forwardDtmf?: boolean } = {}) {
  const callerPhone = await session({ codec: 'PCMU', telephoneEventPt: 101 });
  const customerLeg = await session({ codec: 'PCMU', telephoneEventPt: 101 });
  const agentLeg = await session({ codec: 'PCMA', telephoneEventPt: 96 });
  const agentPhone = await session({ codec: 'PCMA', telephoneEventPt: 96 });
  connect(callerPhone, customerLeg);
  connect(agentLeg, agentPhone);
  const dir = mkdtempSync(join(os.tmpdir(), 'chokutsu-'));
  const recorder = await StereoRecorder.create(join(dir, 'call.wav'));
  const bridge = new MediaBridge({ customer: customerLeg, agent: agentLeg, recorder, ...options });
  for (const s of [callerPhone, customerLeg, agentLeg, agentPhone]) s.start();
  return { callerPhone, customerLeg, agentLeg, agentPhone, recorder, bridge };
}

describe('media bridge (B2BUA)', () => {
  test('carries audio both ways between a PCMU leg and a PCMA leg and records each party on its channel', async () => {
    const { callerPhone, agentPhone, recorder, bridge } = await topology();
    const heardByAgent: Int16Array[] = [];
    const heardByCaller: Int16Array[] = [];
    onAudio(agentPhone, (pcm) => heardByAgent.push(pcm));
    onAudio(callerPhone, (pcm) => heardByCaller.push(pcm));
    await Promise.all([callerPhone.play(tone(3200, 8000, 440)), agentPhone.play(tone(3200, 4000, 700))]);
    await until(() => heardByAgent.filter((pcm) => peak(pcm) > 7000).length >= 18
      && heardByCaller.filter((pcm) => peak(pcm) > 3500 && peak(pcm) < 4500).length >= 18, 'each side to hear the other');
    bridge.close();
    const { path, durationSeconds } = await recorder.close();

    const loudAtAgent = heardByAgent.filter((pcm) => peak(pcm) > 7000).length;
    const loudAtCaller = heardByCaller.filter((pcm) => peak(pcm) > 3500 && peak(pcm) < 4500).length;
    assert.ok(loudAtAgent >= 18, `agent heard ${loudAtAgent} loud frames`);
    assert.ok(loudAtCaller >= 18, `caller heard ${loudAtCaller} frames of the agent`);

    const wav = parseWav(readFileSync(path));
    assert.ok(wav.ok);
    assert.equal(wav.wav.channels, 2);
    assert.ok(durationSeconds > 0.4 && durationSeconds < 1.5, `${durationSeconds} s`);
    const left = wav.wav.samples.filter((_, i) => i % 2 === 0);
    const right = wav.wav.samples.filter((_, i) => i % 2 === 1);
    assert.ok(Math.abs(peak(left) - 8000) < 300, `left peak ${peak(left)}`);
    assert.ok(Math.abs(peak(right) - 4000) < 200, `right peak ${peak(right)}`);
  });

  test('between two legs of one law the payload reaches the far end byte for byte, and is still recorded', async () => {
    const callerPhone = await session({ codec: 'PCMU' });
    const customerLeg = await session({ codec: 'PCMU' });
    const agentLeg = await session({ codec: 'PCMU' });
    const agentPhone = await session({ codec: 'PCMU' });
    connect(callerPhone, customerLeg);
    connect(agentLeg, agentPhone);
    const recorder = await StereoRecorder.create(join(mkdtempSync(join(os.tmpdir(), 'chokutsu-')), 'same-law.wav'));
    const bridge = new MediaBridge({ customer: customerLeg, agent: agentLeg, recorder });
    const sent = new Set<string>();
    const heard: string[] = [];
    const hex = (pcm: Int16Array) => Buffer.from(encodeG711('PCMU', pcm)).toString('hex');
    onAudio(agentPhone, (pcm) => heard.push(hex(pcm)));
    for (const s of [callerPhone, customerLeg, agentLeg, agentPhone]) s.start();
    const speech = tone(1600, 6000, 523);
    for (let i = 0; i < 10; i++) sent.add(hex(speech.subarray(160 * i, 160 * (i + 1))));
    await callerPhone.play(speech);
    await until(() => heard.filter((h) => sent.has(h)).length >= 10, 'every frame at the agent phone');
    bridge.close();
    const { path } = await recorder.close();
    const wav = parseWav(readFileSync(path));
    assert.ok(wav.ok);
    assert.ok(Math.abs(peak(wav.wav.samples.filter((_, i) => i % 2 === 0)) - 6000) < 300);
  });

  test('reports customer DTMF without forwarding it to the agent', async () => {
    const { callerPhone, agentPhone, bridge, recorder } = await topology();
    const reported: [string, string][] = [];
    const atAgent: string[] = [];
    bridge.on('dtmf', (digit, leg) => reported.push([digit, leg]));
    agentPhone.on('dtmf', (digit) => atAgent.push(digit));
    await callerPhone.sendDtmf('42', { durationMs: 60, gapMs: 20 });
    await new Promise((resolve) => setTimeout(resolve, 80));
    bridge.close();
    await recorder.close();
    assert.deepEqual(reported, [['4', 'customer'], ['2', 'customer']]);
    assert.deepEqual(atAgent, []);
  });

  test('forwards DTMF as RFC 4733 on the other leg when asked, with that leg’s payload type', async () => {
    const { callerPhone, agentPhone, bridge, recorder } = await topology({ forwardDtmf: true });
    const atAgent: string[] = [];
    agentPhone.on('dtmf', (digit) => atAgent.push(digit));
    await callerPhone.sendDtmf('7', { durationMs: 60 });
    await until(() => atAgent.length >= 1, 'the forwarded digit');
    bridge.close();
    await recorder.close();
    assert.deepEqual(atAgent, ['7']);
  });
});

/** A leg in memory: what its party says and presses is pushed by the test, what it is fed is kept. */
class MemoryLeg implements MediaLeg {
  readonly heard: Int16Array[] = [];
  readonly signalled: string[] = [];
  private readonly sinks = new Set<MediaSink>();

  constructor(readonly canSendDtmf: boolean) {}

  listen(sink: MediaSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  feed(pcm: Int16Array): void {
    this.heard.push(pcm);
  }

  async sendDtmf(digits: string): Promise<void> {
    this.signalled.push(digits);
  }

  get listeners(): number {
    return this.sinks.size;
  }

  say(pcm: Int16Array): void {
    for (const sink of this.sinks) sink.audio?.(pcm);
  }

  press(digit: string): void {
    for (const sink of this.sinks) sink.dtmf(digit);
  }
}

describe('media bridge over any MediaLeg (in memory, no sockets)', () => {
  async function memoryTopology(options: { forwardDtmf?: boolean; customerDtmf?: boolean } = {}) {
    let clock = 0;
    const customer = new MemoryLeg(options.customerDtmf ?? true);
    const agent = new MemoryLeg(true);
    const path = join(mkdtempSync(join(os.tmpdir(), 'chokutsu-')), 'legs.wav');
    const recorder = await StereoRecorder.create(path, { now: () => clock });
    const bridge = new MediaBridge({ customer, agent, recorder, ...(options.forwardDtmf === undefined ? {} : { forwardDtmf: options.forwardDtmf }) });
    const talk = (frames: number, who: { customer?: Int16Array; agent?: Int16Array }) => {
      for (let i = 0; i < frames; i++) {
        clock += 20;
        if (who.customer) customer.say(who.customer);
        if (who.agent) agent.say(who.agent);
      }
    };
    return { customer, agent, recorder, bridge, talk };
  }

  const channelPeaks = (path: string) => {
    const wav = parseWav(readFileSync(path));
    assert.ok(wav.ok);
    return { left: peak(wav.wav.samples.filter((_, i) => i % 2 === 0)), right: peak(wav.wav.samples.filter((_, i) => i % 2 === 1)) };
  };

  test('feeds each party what the other says and records the customer left, the agent right', async () => {
    const { customer, agent, recorder, talk } = await memoryTopology();
    const hello = tone(160, 8000, 440);
    const reply = tone(160, 4000, 700);
    talk(25, { customer: hello, agent: reply });
    assert.equal(agent.heard.length, 25);
    assert.ok(agent.heard.every((pcm) => pcm === hello));
    assert.equal(customer.heard.length, 25);
    assert.ok(customer.heard.every((pcm) => pcm === reply));
    const { path, durationSeconds } = await recorder.close();
    assert.equal(durationSeconds, 0.5);
    // The recording is G.711: each peak within the law's step at that level.
    const peaks = channelPeaks(path);
    assert.ok(Math.abs(peaks.left - peak(hello)) < 260 && Math.abs(peaks.right - peak(reply)) < 130, `peaks ${JSON.stringify(peaks)}`);
  });

  test('reports DTMF with the leg it came from and forwards it only where asked and possible', async () => {
    const { customer, agent, bridge, recorder } = await memoryTopology({ forwardDtmf: true, customerDtmf: false });
    const reported: [string, string][] = [];
    bridge.on('dtmf', (digit, leg) => reported.push([digit, leg]));
    customer.press('5');
    agent.press('#');
    assert.deepEqual(reported, [['5', 'customer'], ['#', 'agent']]);
    assert.deepEqual(agent.signalled, ['5']);
    assert.deepEqual(customer.signalled, [], 'the customer leg cannot signal digits');
    await recorder.close();
  });

  test('on hold the two parties do not hear each other, the recording goes on, and after it they do again', async () => {
    const { customer, agent, bridge, recorder, talk } = await memoryTopology();
    const hello = tone(160, 8000, 440);
    talk(5, { customer: hello, agent: hello });
    bridge.hold(true);
    talk(5, { customer: hello, agent: hello });
    assert.deepEqual([agent.heard.length, customer.heard.length], [5, 5], 'nothing forwarded while held');
    bridge.hold(false);
    talk(5, { customer: hello, agent: hello });
    assert.deepEqual([agent.heard.length, customer.heard.length], [10, 10]);
    const { durationSeconds } = await recorder.close();
    assert.equal(durationSeconds, 0.3, 'the recording kept running through the hold');
  });

  test('pausing the recording stops writing it; closing the bridge stops listening to both legs', async () => {
    const { customer, agent, bridge, recorder, talk } = await memoryTopology();
    talk(10, { customer: tone(160, 8000, 440) });
    assert.equal(bridge.stopRecording(), recorder);
    talk(10, { customer: tone(160, 8000, 440) });
    bridge.close();
    assert.deepEqual([customer.listeners, agent.listeners], [0, 0]);
    talk(10, { customer: tone(160, 8000, 440) });
    assert.equal(agent.heard.length, 20);
    const { path } = await recorder.close();
    const wav = parseWav(readFileSync(path));
    assert.ok(wav.ok);
    const left = wav.wav.samples.filter((_, i) => i % 2 === 0);
    assert.ok(peak(left.subarray(0, 1600)) > 7000, 'the first 200 ms recorded');
    assert.equal(peak(left.subarray(2200)), 0, 'nothing recorded while paused');
  });
});
