/** Reads one mask file for a comparison, turning every failure into an InputError that names it. */
import { statSync, type Stats } from 'node:fs';
import { NOT_REGULAR, readVolumeFile } from '../io/readVolume';
import { VolumeReadError, type Volume } from '../io/volume';
import { InputError } from './inputs';

export function readInputFile(path: string, maxVoxels: number): Volume {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot read it (${code ?? 'error'})`);
  }
  if (stat.isDirectory()) throw new InputError(path, 'is a folder, not a mask file');
  if (!stat.isFile()) throw new InputError(path, NOT_REGULAR);
  try {
    return readVolumeFile(path, { maxVoxels });
  } catch (error) {
    if (error instanceof VolumeReadError) throw new InputError(path, error.message);
    throw error;
  }
}
