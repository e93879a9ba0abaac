/**
 * Ctrl-C for a launcher: the first SIGINT/SIGTERM stops the parts in order. Ctrl-C arrives twice (from the
 * terminal and forwarded by bootstrap.js) within milliseconds; only a later, deliberate repeat means "stop now".
 */
export function onStopSignals(options: {
  say: (line: string) => void;
  shutdown: (code: number, reason: string) => Promise<void>;
  killEverything: () => void;
}): void {
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = Date.now();
    if (!firstSignalAt) {
      firstSignalAt = now;
      void options.shutdown(0, `收到 ${signal} (received ${signal})`);
      return;
    }
    if (now - firstSignalAt < 1000) return;
    options.say('再次收到信号，立即结束所有进程 (second signal: killing everything now)');
    options.killEverything();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
