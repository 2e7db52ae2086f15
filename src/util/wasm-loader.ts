// Instantiates one of our AssemblyScript modules from build/ synchronously, with
// an `abort` import that throws (naming the module, message and place), and a
// clear error when the module has not been built yet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BytefallError } from '../errors.js';
import { PACKAGE_ROOT } from './package-root.js';

// @types/node 20 does not declare the WebAssembly global (TypeScript's "dom" lib does);
// these are the parts we use.
declare global {
  namespace WebAssembly {
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module, imports: object);
      readonly exports: object;
    }
    interface Memory {
      readonly buffer: ArrayBuffer;
    }
  }
}

/** Loads `build/<name>.wasm` (path from the repo root) and returns its exports. */
export function loadWasm<T extends { memory: WebAssembly.Memory }>(name: string): T {
  const path = join(PACKAGE_ROOT, 'build', `${name}.wasm`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new BytefallError('NOT_FOUND', `the ${name} module is not built (${path} missing): run \`npm run build\``, {
      file: path,
      op: 'load',
      cause: err,
    });
  }
  let memory: WebAssembly.Memory | undefined;
  const env = {
    abort(msg: number, file: number, line: number, column: number): never {
      throw new Error(`${name}.wasm aborted: ${readString(memory, msg)} at ${readString(memory, file)}:${line}:${column}`);
    },
  };
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env }).exports as T;
  memory = exports.memory;
  return exports;
}

/** An AssemblyScript string (UTF-16, byte length stored just before it). */
function readString(memory: WebAssembly.Memory | undefined, ptr: number): string {
  if (memory === undefined || ptr === 0) return '?';
  const len = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return Buffer.from(memory.buffer, ptr, len).toString('utf16le');
}
