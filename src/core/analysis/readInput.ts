/** Reads one mask file for a comparison, turning every failure into an InputError that names it. */
import { statSync } from 'node:fs';
import { isFolderWithDicomSeg } from '../io/dicomFolder';
import { readVolumeFile } from '../io/readVolume';
import { VolumeReadError, type Volume } from '../io/volume';
import { InputError } from './inputs';

export function readInputFile(path: string, maxVoxels: number, npzArray?: string): Volume {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw new InputError(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read it (${(error as Error).message})`);
  }
  // A folder is read only as the one DICOM-SEG inside it (readVolumeFile says so otherwise).
  if (!isFile && !isFolderWithDicomSeg(path)) throw new InputError(path, 'is a folder, not a mask file (a folder is read only when it holds one DICOM-SEG file)');
  try {
    return readVolumeFile(path, npzArray === undefined ? { maxVoxels } : { maxVoxels, npzArray });
  } catch (error) {
    if (error instanceof VolumeReadError) throw new InputError(path, error.message);
    throw error;
  }
}
