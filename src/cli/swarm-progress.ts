// What `seed` and `get` show while they run. On a terminal: one status line on stderr,
// redrawn every second (bytes, rates up and down, peers, ETA), with log lines printed above
// it. With --json: one JSON object per line on stdout, for each event and once a second
// ("stats"). Otherwise plain lines: events as they happen, the status every 10 s. --quiet:
// only errors.
import type { SwarmStats } from '../swarm/stats.js';
import { Output, formatBytes } from './output.js';

const PLAIN_STATUS_MS = 10_000;

export class SwarmDisplay {
  private shown = false;
  private lastPlain = 0;
  private lastLine = '';

  constructor(
    private readonly out: Output,
    private readonly label: string,
  ) {}

  /** A notable event: a JSON line, or a human line (`text`) unless quiet. */
  event(obj: Record<string, unknown>, text?: string): void {
    if (this.out.json) return this.out.event(obj);
    if (text !== undefined) this.print(text, process.stdout);
  }

  /** A warning or a peer's error: one line. */
  log(message: string): void {
    if (this.out.json) return this.out.event({ event: 'log', message });
    this.print(message, process.stderr);
  }

  status(s: SwarmStats): void {
    if (this.out.json) return this.out.event({ event: 'stats', ...s, downRate: Math.round(s.downRate), upRate: Math.round(s.upRate) });
    if (this.out.opts.quiet) return;
    this.lastLine = this.format(s);
    if (this.out.interactive) {
      process.stderr.write(`\r\x1b[K${this.lastLine}`);
      this.shown = true;
    } else if (Date.now() - this.lastPlain >= PLAIN_STATUS_MS) {
      this.lastPlain = Date.now();
      process.stdout.write(`${this.lastLine}\n`);
    }
  }

  stop(): void {
    if (this.shown) process.stderr.write('\r\x1b[K');
    this.shown = false;
  }

  private print(text: string, stream: NodeJS.WriteStream): void {
    if (this.out.opts.quiet && stream === process.stdout) return;
    if (this.shown) process.stderr.write('\r\x1b[K');
    stream.write(`${text}\n`);
    if (this.shown) process.stderr.write(this.lastLine);
  }

  private format(s: SwarmStats): string {
    const peers = `${s.peers} peer${s.peers === 1 ? '' : 's'}${s.seeds ? ` (${s.seeds} seed${s.seeds === 1 ? '' : 's'})` : ''}`;
    if (s.complete) {
      return `${this.label}: seeding ${formatBytes(s.bytesTotal)} | up ${formatBytes(Math.round(s.upRate))}/s | ${peers} | uploaded ${formatBytes(s.uploaded)}`;
    }
    const pct = s.bytesTotal > 0 ? ((100 * s.bytesVerified) / s.bytesTotal).toFixed(1) : '100.0';
    return (
      `${this.label}: ${pct}% ${formatBytes(s.bytesVerified)}/${formatBytes(s.bytesTotal)} | ` +
      `down ${formatBytes(Math.round(s.downRate))}/s up ${formatBytes(Math.round(s.upRate))}/s | ${peers} | ETA ${formatEta(s.eta)}`
    );
  }
}

export function formatEta(seconds: number | null): string {
  if (seconds === null) return '--:--';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const sec = seconds % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
