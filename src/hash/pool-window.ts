// Feeds the pool from a lazy list of jobs, keeping at most `limit` of them
// pending: the jobs are described on demand, so a tree of any size is planned in
// bounded memory. The first failure stops new jobs and is rethrown once the
// pending ones have settled (so no worker is still reading when we return).

export async function runWindowed<T>(jobs: Iterable<T>, limit: number, run: (job: T) => Promise<void>): Promise<void> {
  const pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (const job of jobs) {
    if (failure) break;
    const p: Promise<void> = run(job).then(
      () => void pending.delete(p),
      (error: unknown) => {
        pending.delete(p);
        failure ??= { error };
      },
    );
    pending.add(p);
    if (pending.size >= limit) await Promise.race(pending);
  }
  await Promise.all(pending);
  if (failure) throw failure.error;
}
