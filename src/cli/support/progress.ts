/**
 * The elapsed time of a step while it runs, so that a slow connect (5 s before a timeout) is not
 * silence: on a terminal one line rewritten every 100 ms and cleared when the step ends; otherwise
 * (a pipe, a CI log) a plain line per whole second, and nothing for a step that ends sooner.
 */
interface StepProgress {
  start(label: string): void;
  stop(): void;
}

const TTY_TICK_MS = 100;
const PLAIN_TICK_MS = 1000;

function stepProgress(stream: NodeJS.WriteStream = process.stdout): StepProgress {
  let timer: NodeJS.Timeout | undefined;
  let tty = false;
  let shown = false;
  return {
    start(label) {
      this.stop();
      tty = stream.isTTY === true;
      shown = false;
      const started = performance.now();
      const elapsed = () => (performance.now() - started) / 1000;
      timer = setInterval(
        () => {
          shown = true;
          if (tty) stream.write(`\r  … ${label} ${elapsed().toFixed(1)} s`);
          else stream.write(`  … ${label} still running (${Math.round(elapsed())} s)\n`);
        },
        tty ? TTY_TICK_MS : PLAIN_TICK_MS,
      );
      timer.unref();
    },
    stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      if (tty && shown) stream.write('\r\x1b[2K');
    },
  };
}

export { stepProgress };
export type { StepProgress };
