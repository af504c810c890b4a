// Progress lines for long replays: events done, events per second and ETA.
export class Progress {
  private readonly started = Date.now();
  private lastPrinted = 0;
  private lastDone = -1;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly print: (line: string) => void,
    private readonly intervalMs = 1000,
  ) {}

  /** Prints at most once per interval, or at once with `force`, but never twice for the same `done`. */
  update(done: number, force = false): void {
    const now = Date.now();
    if (done === this.lastDone || (!force && now - this.lastPrinted < this.intervalMs)) return;
    this.lastPrinted = now;
    this.lastDone = done;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = done / seconds;
    const remaining = Math.max(this.total - done, 0);
    const eta = rate > 0 ? `${Math.ceil(remaining / rate)} s` : '—';
    const percent = this.total > 0 ? ((100 * done) / this.total).toFixed(1) : '100.0';
    this.print(
      `${this.label}: ${done}/${this.total} events (${percent}%), ${rate.toFixed(0)} events/s, ETA ${eta}`,
    );
  }
}
