/** Reading a byte range of an open file completely: readSync may return less than asked. */
import * as fs from 'node:fs';
import { VolumeReadError } from './volume';

/** Largest read asked of the OS at once (readSync takes at most 2 GiB − 1). */
const MAX_READ_BYTES = 1 << 30;

/** Fills `into` with the file's bytes from `position`; a file that ends first throws `short()`. */
export function readFully(fd: number, into: Uint8Array, position: number, short: () => Error): void {
  for (let done = 0; done < into.length;) {
    const n = fs.readSync(fd, into, done, Math.min(into.length - done, MAX_READ_BYTES), position + done);
    if (n === 0) throw short();
    done += n;
  }
}

/** readFully's `short` for a file that was long enough when it was opened. */
export const fileGotShorter = (): VolumeReadError => new VolumeReadError('the file got shorter while it was being read; try again');
