// Hands out even RTP ports (RTCP takes port + 1, RFC 3550 §11) from a configured range.

export class PortsExhaustedError extends Error {
  override readonly name = 'PortsExhaustedError';
  constructor(readonly min: number, readonly max: number) {
    super(`no free RTP port pair in ${min}-${max}`);
  }
}

export class PortAllocator {
  readonly min: number;
  readonly max: number;
  private readonly inUse = new Set<number>();
  private next: number;

  constructor(range: { min: number; max: number }) {
    const min = range.min % 2 === 0 ? range.min : range.min + 1;
    if (min + 1 > range.max) throw new RangeError(`RTP port range ${range.min}-${range.max} holds no even/odd pair`);
    this.min = min;
    this.max = range.max;
    this.next = min;
  }

  /** Number of port pairs in the range. */
  get capacity(): number {
    return Math.floor((this.max - this.min + 1) / 2);
  }

  /** The next free even port, round-robin so a just-released port is not reused at once. */
  acquire(): number | undefined {
    for (let tried = 0; tried < this.capacity; tried++) {
      const port = this.next;
      this.next = port + 2 + 1 > this.max ? this.min : port + 2;
      if (!this.inUse.has(port)) {
        this.inUse.add(port);
        return port;
      }
    }
    return undefined;
  }

  release(port: number): void {
    this.inUse.delete(port);
  }
}
