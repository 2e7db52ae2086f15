// Protocol bytes this process received and sent on all its connections (after TLS, before
// decoding): what an update really moved, for `--json` and the update benchmark.
export const wireCounters = { received: 0, sent: 0 };
