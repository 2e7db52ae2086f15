// A ZeroTier TCP connection as a Node.js Duplex: reads are paused in the I/O
// thread while the readable side is full, writes wait for the addon's 'drain'
// above its high-water mark, end() half-closes after the queued bytes. Half-open
// like the sockets TLS runs on: TLS ends its own side; both ended, it closes.
import { Duplex } from 'node:stream';
import type { NativeSocket, NativeSocketEvent } from './addon.js';
import { fromNative } from './native-error.js';

export class ZtSocket extends Duplex {
  private reading = false;
  private nativeClosed = false;
  private waitingDrain?: (err?: Error | null) => void;

  constructor(private readonly native: NativeSocket, private readonly label: string) {
    super({ allowHalfOpen: true, readableHighWaterMark: 256 * 1024, writableHighWaterMark: 256 * 1024 });
    native.setHandler((type, arg) => this.onNative(type, arg));
  }

  get localPort(): number {
    return this.native.localPort;
  }

  private onNative(type: NativeSocketEvent, arg: unknown): void {
    switch (type) {
      case 'data':
        if (!this.push(arg as Buffer) && this.reading) {
          this.reading = false;
          this.native.setReading(false);
        }
        break;
      case 'end':
        this.push(null);
        break;
      case 'drain': {
        const cb = this.waitingDrain;
        this.waitingDrain = undefined;
        cb?.();
        break;
      }
      case 'error':
        this.destroy(fromNative(arg, `exchange data with ${this.label}`, 'NET_CONNECT_FAILED'));
        break;
      case 'close':
        this.nativeClosed = true;
        this.waitingDrain?.();
        this.waitingDrain = undefined;
        if (!this.destroyed) this.destroy();
        break;
      default:
        break;
    }
  }

  override _read(): void {
    if (!this.reading && !this.nativeClosed) {
      this.reading = true;
      this.native.setReading(true);
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.native.write(chunk) || this.nativeClosed) cb();
    else this.waitingDrain = cb;
  }

  override _writev(chunks: { chunk: Buffer }[], cb: (err?: Error | null) => void): void {
    let ok = true;
    for (const { chunk } of chunks) ok = this.native.write(chunk);
    if (ok || this.nativeClosed) cb();
    else this.waitingDrain = cb;
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.nativeClosed) this.native.end();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.nativeClosed) this.native.close();
    cb(err);
  }
}
