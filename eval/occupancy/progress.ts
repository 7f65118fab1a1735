/**
 * Progress of the evaluation's long parts on stderr: a redrawn bar on a terminal, a line every
 * tenth of the way otherwise (so a CI log shows it is moving), and the time each part took.
 */
export class StepProgress {
  private done = 0;
  private lastTenth = -1;
  private readonly started = performance.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  step(detail = ''): void {
    this.done++;
    const share = this.total > 0 ? this.done / this.total : 1;
    if (this.stream.isTTY === true) {
      const width = 30;
      const filled = Math.round(share * width);
      const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
      this.stream.write(
        `\r\x1b[2K${this.label} [${bar}] ${this.done}/${this.total} ${this.elapsed()} ${detail.slice(0, 40)}`,
      );
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth !== this.lastTenth) {
      this.lastTenth = tenth;
      this.stream.write(`${this.label}: ${this.done}/${this.total} (${this.elapsed()})\n`);
    }
  }

  /** Ends the bar with one line saying how long the part took; returns the seconds. */
  finish(): number {
    const seconds = (performance.now() - this.started) / 1000;
    if (this.stream.isTTY === true) this.stream.write('\r\x1b[2K');
    this.stream.write(`${this.label}: ${this.total} done in ${seconds.toFixed(1)} s\n`);
    return seconds;
  }

  private elapsed(): string {
    return `${((performance.now() - this.started) / 1000).toFixed(0)} s`;
  }
}
