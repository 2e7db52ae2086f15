// The swarm id in the Worker: our own BLAKE3 (build/hash.wasm, bundled by wrangler
// as a compiled module) through the same HashModule as on Node. Only the loading
// differs: Node reads the file, the Worker imports it.
import hashWasm from '../../build/hash.wasm';
import { HashModule, type HashExports } from '../../src/hash/wasm.js';
import { CONTEXTS } from '../../src/format/digests.js';

let module: HashModule | undefined;
const encoder = new TextEncoder();

function hashModule(): HashModule {
  if (module === undefined) {
    const env = {
      abort(): never {
        throw new Error('hash.wasm aborted');
      },
    };
    module = new HashModule(new WebAssembly.Instance(hashWasm, { env }).exports as unknown as HashExports);
  }
  return module;
}

/** BLAKE3 derive-key of `material` under `context`, 32 bytes (as blake3DeriveKey in src/hash/blake3.ts). */
export function deriveKey32(context: string, material: Uint8Array): Uint8Array {
  const w = hashModule();
  const ctx = encoder.encode(context);
  w.useState(null);
  w.input.set(ctx);
  w.x.initDeriveKey(ctx.length);
  w.feed(material);
  return w.squeeze(32, 0);
}

/** H32(swarm id, public key ‖ name field ‖ salt): docs/FORMAT.md, "Derived identifiers". */
export function swarmIdOf(publicKey: Uint8Array, nameField: Uint8Array, salt: Uint8Array): Uint8Array {
  const material = new Uint8Array(publicKey.length + nameField.length + salt.length);
  material.set(publicKey, 0);
  material.set(nameField, publicKey.length);
  material.set(salt, publicKey.length + nameField.length);
  return deriveKey32(CONTEXTS.swarmId, material);
}
