/** Reads one mask file for a comparison, turning every failure into an InputError that names it. */
import { realpathSync, statSync, type Stats } from 'node:fs';
import { isFolderWithDicomSeg } from '../io/dicomFolder';
import { NOT_REGULAR, readVolumeFile } from '../io/readVolume';
import { VolumeReadError, type Volume } from '../io/volume';
import { InputError } from './inputs';

export function readInputFile(path: string, maxVoxels: number, npzArray?: string): Volume {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(path, code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot read it (${code ?? 'error'})`);
  }
  // A folder is read only as the one DICOM-SEG inside it (readVolumeFile says so otherwise).
  if (stat.isDirectory()) {
    if (!isFolderWithDicomSeg(path)) throw new InputError(path, 'is a folder, not a mask file (a folder is read only when it holds one DICOM-SEG file)');
  } else if (!stat.isFile()) throw new InputError(path, NOT_REGULAR);
  try {
    return readVolumeFile(path, npzArray === undefined ? { maxVoxels } : { maxVoxels, npzArray });
  } catch (error) {
    if (error instanceof VolumeReadError) throw new InputError(path, error.message);
    throw error;
  }
}

/**
 * Refuses a "pair" that is one file twice (also through symlinks or a symlinked folder): it would
 * report a perfect score that means nothing. Paths that cannot be resolved are left to the readers.
 */
export function checkDistinctFiles(prediction: string, label: string): void {
  let same = false;
  try {
    same = realpathSync(prediction) === realpathSync(label);
  } catch {
    return; // a missing file is reported by readInputFile, naming it
  }
  if (same) throw new InputError(label, `is the prediction file itself (${prediction}); compare a prediction with its label`);
}
