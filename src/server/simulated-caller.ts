// A caller driven through the API (the browser test phone before audio, `chokutsu call --server`,
// end-to-end tests): it hears prompts as text and presses keys when the flow asks for input.
import type { ContactEffect } from '../flow/interpreter.ts';
import type { CallerChannel, ContactCenter } from '../runtime/contact-center.ts';
import type { Clock, Scheduler } from '../runtime/scheduler.ts';

export interface HeardLine {
  at: number;
  kind: 'prompt' | 'hold' | 'connected' | 'hangup' | 'recording';
  text: string;
}

/** What a caller does to the contact center: finish prompts, press keys. */
export type CallerCenter = Pick<ContactCenter, 'promptFinished' | 'dtmf' | 'contact'>;

export class SimulatedCaller implements CallerChannel {
  contactId = '';
  readonly noAudio = 'a simulated caller has no audio';
  readonly heard: HeardLine[] = [];
  hungUp = false;
  /** Keys pressed before the flow asked for them wait here, as a phone's type-ahead would not; it keeps scripts simple. */
  private keys = '';
  private inputOpen = false;
  private playing?: string;

  constructor(
    private readonly center: () => CallerCenter,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    /** How long each prompt takes; 0 plays them at once. */
    private readonly promptMs: number,
  ) {}

  playPrompt(effect: Extract<ContactEffect, { type: 'PlayPrompt' }>): void {
    const c = effect.content;
    this.heard.push({ at: this.clock.now(), kind: 'prompt', text: c.text ?? c.ssml ?? c.prompt?.text ?? c.prompt?.name ?? '' });
    this.playing = effect.actionId;
    this.inputOpen = effect.interruptible;
    this.scheduler.set(`caller:${this.contactId}:prompt`, this.promptMs, () => {
      if (this.playing !== effect.actionId) return;
      this.playing = undefined;
      this.center().promptFinished(this.contactId, effect.actionId);
      this.deliverKeys();
    });
    if (this.inputOpen && this.keys.length > 0) this.scheduler.set(`caller:${this.contactId}:keys`, 0, () => this.deliverKeys());
  }

  stopPrompt(): void {
    this.playing = undefined;
    this.scheduler.clear(`caller:${this.contactId}:prompt`);
  }

  queued(queueId: string): void {
    this.inputOpen = false;
    this.heard.push({ at: this.clock.now(), kind: 'hold', text: `waiting in ${queueId}` });
  }

  connected(agentId: string): void {
    this.heard.push({ at: this.clock.now(), kind: 'connected', text: agentId });
  }

  recordingChanged(participants: string[]): void {
    this.heard.push({ at: this.clock.now(), kind: 'recording', text: `${participants.join(', ')} requested; not recorded: ${this.noAudio}` });
  }

  hangUp(reason: string): void {
    this.hungUp = true;
    this.heard.push({ at: this.clock.now(), kind: 'hangup', text: reason });
    this.scheduler.clear(`caller:${this.contactId}:prompt`);
    this.scheduler.clear(`caller:${this.contactId}:keys`);
  }

  press(keys: string): void {
    this.keys += keys;
    if (this.inputOpen) this.scheduler.set(`caller:${this.contactId}:keys`, 0, () => this.deliverKeys());
  }

  /** Feeds buffered keys while the flow is collecting input; the rest waits for the next input. */
  private deliverKeys(): void {
    const center = this.center();
    while (this.keys.length > 0 && !this.hungUp) {
      const waiting = center.contact(this.contactId)?.flowState.waiting;
      if (waiting?.kind !== 'input') return;
      const key = this.keys[0] as string;
      this.keys = this.keys.slice(1);
      center.dtmf(this.contactId, key);
    }
  }
}
