// Work that must not overlap itself inside one object: two hand-overs at once would both read the same due
// rows and send them twice. A call while a run is under way is answered by that run.
export function oneAtATime(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () => {
    running ??= run().finally(() => {
      running = null;
    });
    return running;
  };
}
