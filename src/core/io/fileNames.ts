/** File names the readers accept, and where a detached header's data file is. */
import * as path from 'node:path';
import { checkDataFileName } from './detached';

/** Every extension Mask Inspector opens, any letter case (`.seg.nrrd` is an `.nrrd`, `.dcm` a DICOM-SEG). */
export const MASK_FILE_PATTERN = /\.(nii|nii\.gz|png|nrrd|nhdr|mha|mhd|npy|npz|dcm)$/i;

/** The same extensions, longest first, for cutting a case id off a file name. */
export const MASK_EXTENSIONS = ['.seg.nrrd', '.seg.dcm', '.nii.gz', '.nii', '.png', '.nrrd', '.nhdr', '.mha', '.mhd', '.npy', '.npz', '.dcm'] as const;

/** The extension MASK_EXTENSIONS finds at the end of `name` (lower case), or ''. */
export function maskExtension(name: string): string {
  const lower = name.toLowerCase();
  return MASK_EXTENSIONS.find((e) => lower.endsWith(e)) ?? '';
}

/**
 * The data file a detached header (.nhdr, .mhd) names, resolved beside the header. Only a plain
 * relative name inside the header's folder tree is accepted: a header must not make us read
 * arbitrary files (absolute paths, "..").
 */
export function dataFilePath(headerPath: string, name: string): string {
  return path.join(path.dirname(headerPath), checkDataFileName(name));
}
