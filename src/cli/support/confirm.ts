import { createInterface } from 'node:readline/promises';

interface ConfirmStreams {
  input: NodeJS.ReadableStream;
  /** Where the question goes: stderr by default, so stdout stays clean for `--json`. */
  output: NodeJS.WritableStream;
}

/**
 * Asks a yes/no question; only `y` or `yes` (any case) is a yes. End of input or Ctrl-C is a no.
 */
async function confirm(
  question: string,
  streams: ConfirmStreams = { input: process.stdin, output: process.stderr },
): Promise<boolean> {
  const rl = createInterface({ input: streams.input, output: streams.output });
  const abort = new AbortController();
  rl.once('SIGINT', () => abort.abort());
  rl.once('close', () => abort.abort());
  try {
    const answer = await rl.question(`${question} [y/N] `, { signal: abort.signal });
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}

export { confirm };
export type { ConfirmStreams };
