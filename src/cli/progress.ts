// A live progress line on a terminal (cli-progress), silent elsewhere. Shows
// files, bytes, rate and ETA; --json callers get periodic JSON events instead.
import type cliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import { Output, formatBytes } from './output.js';

/** cli-progress is loaded only when a bar is drawn (a terminal): --quiet, --json and pipes never pay for it. */
const requireCjs = createRequire(import.meta.url);
let bars: typeof cliProgress | undefined;
function cliProgressModule(): typeof cliProgress {
  return (bars ??= requireCjs('cli-progress') as typeof cliProgress);
}

export interface ProgressState {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export class Progress {
  private bar?: cliProgress.SingleBar;
  private readonly started = Date.now();
  private lastEvent = 0;

  constructor(private readonly out: Output, private readonly label: string) {}

  update(s: ProgressState): void {
    const now = Date.now();
    const secs = Math.max((now - this.started) / 1000, 1e-3);
    const rate = s.bytesDone / secs;
    if (this.out.interactive) {
      if (!this.bar) {
        const cli = cliProgressModule();
        this.bar = new cli.SingleBar(
          {
            format: `${this.label} [{bar}] {percentage}% | {files} files | {bytes} | {rate}/s | ETA {eta_formatted}`,
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
          cli.Presets.shades_classic,
        );
        this.bar.start(Math.max(s.bytesTotal, 1), 0);
      } else if (this.bar.getTotal() !== Math.max(s.bytesTotal, 1)) {
        this.bar.setTotal(Math.max(s.bytesTotal, 1)); // the total grows while the tree is still being walked
      }
      this.bar.update(s.bytesDone, {
        files: `${s.filesDone}/${s.filesTotal}`,
        bytes: `${formatBytes(s.bytesDone)}/${formatBytes(s.bytesTotal)}`,
        rate: formatBytes(rate),
      });
    } else if (this.out.json && now - this.lastEvent >= 1000) {
      this.lastEvent = now;
      this.out.event({ event: 'progress', task: this.label, ...s, bytesPerSecond: Math.round(rate) });
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = undefined;
  }
}
