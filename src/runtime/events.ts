// Contact and agent events for WebSocket subscribers. Each subscriber sees what its user may see.
import type { CenterEvent } from './contact-center.ts';

export type Subscriber = (event: CenterEvent) => void;

export class EventBus {
  private readonly subscribers = new Set<{ accepts: (e: CenterEvent) => boolean; send: Subscriber }>();

  publish(event: CenterEvent): void {
    for (const s of this.subscribers) {
      if (!s.accepts(event)) continue;
      try {
        s.send(event);
      } catch {
        // A broken subscriber (closed socket) must not stop the line; it is removed on close.
      }
    }
  }

  subscribe(accepts: (e: CenterEvent) => boolean, send: Subscriber): () => void {
    const entry = { accepts, send };
    this.subscribers.add(entry);
    return () => this.subscribers.delete(entry);
  }

  get size(): number {
    return this.subscribers.size;
  }
}
