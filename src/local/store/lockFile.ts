import { open, readFile, readdir, rm, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * One data file, one server: `<data>.lock` is created exclusively (O_EXCL) and holds the owner's
 * pid; it lives as long as the server. A lock whose pid no longer runs (the owner was killed) is
 * stale and taken over; a live owner makes a second server refuse to start, so two servers never
 * acknowledge writes that one of them would then overwrite.
 */
interface HeldLock {
  release(): Promise<void>;
}

/** Another live process holds the lock. */
class LockHeldError extends Error {
  constructor(readonly pid: number | undefined) {
    super(
      `another server${pid === undefined ? '' : ` (pid ${pid})`} is using it (lock file <data>.lock); stop that server or use another data file`,
    );
    this.name = 'LockHeldError';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function ownerOf(lockPath: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

async function acquireLock(dataPath: string): Promise<HeldLock> {
  const lockPath = `${dataPath}.lock`;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          if ((await ownerOf(lockPath)) === process.pid) await unlink(lockPath).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await ownerOf(lockPath);
    // This process counts as live too: two servers in one process must not share the file either.
    if (owner !== undefined && (owner === process.pid || isRunning(owner))) throw new LockHeldError(owner);
    // No readable pid: a lock being written this instant; look again before calling it stale.
    if (owner !== undefined || attempt >= 2) await rm(lockPath, { force: true });
    else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new LockHeldError(undefined);
}

/**
 * Removes the temp files a killed writer left next to the data file (`<data>.<pid>.tmp`, each a
 * full plaintext copy of the state). Called with the lock held, so no live writer owns one. The
 * files are deleted unread: the data file is the only truth.
 */
async function removeStaleTempFiles(dataPath: string): Promise<string[]> {
  const directory = dirname(dataPath);
  const prefix = `${basename(dataPath)}.`;
  const removed: string[] = [];
  for (const entry of await readdir(directory)) {
    if (!entry.startsWith(prefix) || !/^\d+\.tmp$/.test(entry.slice(prefix.length))) continue;
    await rm(join(directory, entry), { force: true });
    removed.push(entry);
  }
  return removed;
}

export { LockHeldError, acquireLock, removeStaleTempFiles };
export type { HeldLock };
