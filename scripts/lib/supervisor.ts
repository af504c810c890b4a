// Runs services as child processes: relays their output with a name prefix,
// restarts a crashed one with exponential backoff, and stops them all on request.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface ServiceSpec {
  name: string;
  /** Entry file run with `node --import tsx`. */
  entry: string;
  env?: Record<string, string>;
}

export interface SupervisorOptions {
  env: NodeJS.ProcessEnv;
  /** Receives each output line, already prefixed with the service name. */
  output: (line: string) => void;
  /** Receives the supervisor's own messages. */
  log: (line: string) => void;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that ran this long before exiting restarts with the initial backoff again. */
  stableAfterMs?: number;
  /** How long a child may take to stop after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

interface Running {
  spec: ServiceSpec;
  child?: ChildProcess;
  backoffMs: number;
  restarts: number;
  timer?: NodeJS.Timeout;
  exited?: Promise<void>;
}

/** Supervises a fixed set of services until `stop()` is called. */
export class Supervisor {
  private readonly services: Running[];
  private stopping = false;

  constructor(
    specs: ServiceSpec[],
    private readonly options: SupervisorOptions,
  ) {
    this.services = specs.map((spec) => ({
      spec,
      backoffMs: options.initialBackoffMs ?? 500,
      restarts: 0,
    }));
  }

  start(): void {
    for (const service of this.services) this.launch(service);
  }

  /** Restart counts by service name, for tests and status lines. */
  restarts(): Record<string, number> {
    return Object.fromEntries(this.services.map((s) => [s.spec.name, s.restarts]));
  }

  private launch(service: Running): void {
    const { spec } = service;
    const startedAt = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
      env: { ...this.options.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.child = child;
    const width = Math.max(...this.services.map((s) => s.spec.name.length));
    const prefix = `${spec.name.padEnd(width)} |`;
    for (const stream of [child.stdout, child.stderr]) {
      readline
        .createInterface({ input: stream })
        .on('line', (line) => this.options.output(`${prefix} ${line}`));
    }

    service.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        resolve();
        if (this.stopping) return;
        const ranMs = Date.now() - startedAt;
        if (ranMs > (this.options.stableAfterMs ?? 30_000))
          service.backoffMs = this.options.initialBackoffMs ?? 500;
        service.restarts += 1;
        this.options.log(
          `${spec.name} exited (${signal ? `signal ${signal}` : `code ${code}`}) after ${ranMs} ms; ` +
            `restart ${service.restarts} in ${service.backoffMs} ms`,
        );
        service.timer = setTimeout(() => this.launch(service), service.backoffMs);
        service.backoffMs = Math.min(service.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
      });
    });
  }

  /** Sends SIGTERM to every child, then SIGKILL to any still running after the timeout. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const service of this.services) clearTimeout(service.timer);
    const running = this.services.filter(
      (s) => s.child && s.child.exitCode === null && s.child.signalCode === null,
    );
    for (const service of running) service.child?.kill('SIGTERM');

    const timeout = setTimeout(() => {
      for (const service of running) {
        if (service.child?.exitCode === null && service.child.signalCode === null) {
          this.options.log(`${service.spec.name} did not stop in time; sending SIGKILL`);
          service.child.kill('SIGKILL');
        }
      }
    }, this.options.stopTimeoutMs ?? 10_000);
    await Promise.all(running.map((s) => s.exited));
    clearTimeout(timeout);
  }
}
