import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The data file: the whole state written as one JSON document, replaced atomically (temp file,
 * fsync, rename, fsync of the directory), so a `kill -9` at any instant leaves either the old or the
 * new document. Writes are grouped: every change marks the state dirty and waits until a write that
 * started after it has reached the disk; changes arriving while a write is under way share the next
 * one (group commit), so persistence costs one fsync per batch, not per request.
 */
class DataFile {
  private dirtySeq = 0;
  private durableSeq = 0;
  private writing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    private readonly serialize: () => string,
  ) {}

  /** The file's text, or undefined when it does not exist yet. */
  static async read(path: string): Promise<string | undefined> {
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Records that the state changed; returns the sequence number to wait for. */
  markDirty(): number {
    this.dirtySeq += 1;
    return this.dirtySeq;
  }

  /** True when some change has not reached the disk yet. */
  get pending(): boolean {
    return this.durableSeq < this.dirtySeq;
  }

  /** Resolves once every change up to `seq` (default: all so far) is on disk. */
  async whenDurable(seq = this.dirtySeq): Promise<void> {
    while (this.durableSeq < seq) {
      this.writing ??= this.write().finally(() => {
        this.writing = undefined;
      });
      await this.writing;
    }
  }

  private async write(): Promise<void> {
    const covered = this.dirtySeq;
    await writeAtomically(this.path, this.serialize());
    this.durableSeq = Math.max(this.durableSeq, covered);
  }
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dirname(path));
}

/** Makes the rename itself durable. Not every platform can fsync a directory; those skip it. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

export { DataFile, writeAtomically };
