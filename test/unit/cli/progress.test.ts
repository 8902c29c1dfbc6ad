// The elapsed-time line of a running step, on a terminal: rewritten in place (\r) every 100 ms and
// cleared when the step ends, so the step's result line starts on a clean line. Fake timers drive
// the clock; the plain-lines mode is proven end to end in test/cli/rotate-progress.test.ts.
import { stepProgress } from '../../../src/cli/support/progress.js';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

function terminal() {
  const writes: string[] = [];
  const stream = { isTTY: true, write: (text: string) => writes.push(text) > 0 };
  return { writes, stream: stream as unknown as NodeJS.WriteStream };
}

it('rewrites one line with the elapsed time, then clears it', () => {
  const { writes, stream } = terminal();
  const progress = stepProgress(stream);
  progress.start('setSecret');
  jest.advanceTimersByTime(250);
  expect(writes).toEqual(['\r  … setSecret 0.1 s', '\r  … setSecret 0.2 s']);
  progress.stop();
  expect(writes.at(-1)).toBe('\r\x1b[2K');
  jest.advanceTimersByTime(1000);
  expect(writes).toHaveLength(3);
});

it('a step that ends before the first tick writes nothing', () => {
  const { writes, stream } = terminal();
  const progress = stepProgress(stream);
  progress.start('finishSecret');
  jest.advanceTimersByTime(50);
  progress.stop();
  expect(writes).toEqual([]);
});
