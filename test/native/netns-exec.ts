// Runs a Node.js script in a network namespace, for tests that start processes
// through a helper that can only name a script (test/integration/helpers.ts's Proc):
//   node netns-exec.js <namespace> <script> [args...]
// It runs `ip netns exec <namespace> node <script> args...` with the same stdio,
// forwards SIGINT/SIGTERM to it and exits with its exit code (128 + signal number
// when a signal ended it).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const [ns, script, ...args] = process.argv.slice(2);
const child = spawn('ip', ['netns', 'exec', ns, process.execPath, script, ...args], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => {
  process.exitCode = signal ? 128 + constants.signals[signal] : (code ?? 1);
});
