// Request/response over Node's IPC channel between bench/media.ts and the processes it measures
// or drives (the line, the far ends, the Node relay): each runs alone, so its CPU is its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { processCpuMs } from '../proc-cpu.ts';

interface Request { id: number; method: string; params: unknown }
type Reply = { id: number; result: unknown } | { id: number; error: string };

/** In the child: answers the parent's requests with `methods`. */
export function serve(methods: Record<string, (params: never) => unknown>): void {
  process.on('message', (m: Request) => {
    const method = methods[m.method];
    Promise.resolve()
      .then(() => {
        if (!method) throw new Error(`no method ${m.method}`);
        return method(m.params as never);
      })
      .then(
        (result) => process.send?.({ id: m.id, result } satisfies Reply),
        (err: unknown) => process.send?.({ id: m.id, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies Reply),
      );
  });
  // The parent gone (the bench crashed or was killed): nothing to serve.
  process.on('disconnect', () => process.exit(0));
}

/** In the parent: one child running `file` under tsx. */
export class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; method: string }>();
  private output = '';
  readonly process: ChildProcess;

  /** `nice`: the child's niceness from its start, every thread of it (−10 as root puts it before other work on the machine). */
  constructor(readonly name: string, file: string, args: readonly string[] = [], nice = 0, nodeArgs: readonly string[] = []) {
    this.process = spawn('nice', ['-n', String(nice), process.execPath, ...nodeArgs, '--import', 'tsx', file, ...args], {
      serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (d: Buffer) => (this.output = (this.output + d.toString()).slice(-20_000));
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.process.on('message', (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if ('error' in m) p.reject(new Error(`${this.name}.${p.method}: ${m.error}`));
      else p.resolve(m.result);
    });
    this.process.on('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`${this.name} exited (${code ?? signal}) during ${p.method}:\n${this.output}`));
      this.pending.clear();
    });
  }

  call<T>(method: string, params: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.process.send({ id, method, params } satisfies Request);
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  cpuMs(): number {
    return processCpuMs(this.process.pid);
  }

  log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((r) => this.process.once('exit', r));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
