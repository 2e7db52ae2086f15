// A private ZeroTier root for the real-libzt test: a libzt node whose identity
// (in its home) is the one the roots definition names, on UDP port 9993. It does
// not wait to be online (it is the root); it reports `ready` once libzt says
// NODE_ONLINE (a root is online as soon as its node runs, with its UDP port bound),
// and runs until told to stop.
import { loadLibzt } from '../../src/net/zt/addon.js';
import { readRootsFile } from '../../src/net/zt/create.js';

const [home, rootsFile] = process.argv.slice(2);
const zt = loadLibzt();
const node = new zt.Node((ev) => {
  process.send?.({ type: 'event', name: ev.name });
  if (ev.name === 'NODE_ONLINE') process.send?.({ type: 'ready', node: node.nodeId() });
});
node.start({ home, roots: readRootsFile(rootsFile), port: 9993 });
process.on('message', (m: { type: string }) => {
  if (m.type === 'stop') {
    node.stop();
    process.disconnect?.();
  }
});
