// How commands speak: human text on stdout, one JSON object per line with
// --json, nothing but errors with --quiet. Errors always go to stderr as one line.

export interface OutputOptions {
  json?: boolean;
  quiet?: boolean;
}

export class Output {
  constructor(readonly opts: OutputOptions = {}) {}

  get json(): boolean {
    return !!this.opts.json;
  }

  /** Human-readable line (suppressed with --json or --quiet). */
  line(text = ''): void {
    if (!this.opts.json && !this.opts.quiet) process.stdout.write(text + '\n');
  }

  /** One JSON event (only with --json). */
  event(obj: Record<string, unknown>): void {
    if (this.opts.json) process.stdout.write(JSON.stringify(obj) + '\n');
  }

  warn(text: string): void {
    if (this.opts.json) this.event({ event: 'warning', message: text });
    else if (!this.opts.quiet) process.stderr.write(`warning: ${text}\n`);
  }

  /** True when a live progress display makes sense. */
  get interactive(): boolean {
    return !this.opts.json && !this.opts.quiet && !!process.stderr.isTTY;
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}
