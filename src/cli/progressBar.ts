/**
 * A one-line progress bar on a terminal's stderr, redrawn at most ten times a second; nothing
 * at all when stderr is not a terminal, so pipes and CI logs stay clean.
 */
export class ProgressBar {
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly width = 30,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** `amount` says what `done` counts: bytes by default (shown in MiB), or anything else (windows, days). */
  update(
    label: string,
    done: number,
    total: number | undefined,
    amount: (done: number) => string = (n) => `${(n / 1048576).toFixed(1)} MiB`,
  ): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done !== total) return;
    this.lastDraw = now;
    this.drawn = true;
    const shown = amount(done);
    if (total === undefined || total === 0) {
      this.stream.write(`\r\x1b[2K${label} ${shown}`);
      return;
    }
    const share = Math.min(1, done / total);
    const filled = Math.round(share * this.width);
    const bar = '#'.repeat(filled) + '-'.repeat(this.width - filled);
    this.stream.write(`\r\x1b[2K${label} [${bar}] ${(share * 100).toFixed(0).padStart(3)}% ${shown}`);
  }

  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
