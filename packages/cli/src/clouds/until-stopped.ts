/** Serve until the user stops the process (SIGINT or SIGTERM); resolves once `stop` (closing the sandbox) has finished. */
export function untilStopped(stop: () => Promise<void>): Promise<void> {
  return new Promise((done) => {
    const onSignal = (): void => {
      void stop().then(done);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
}
