/** Dispatch for the formats beyond NIfTI and PNG, by content (magic bytes or first header key). */
import { isMetaImage, readMetaImage } from './metaImage';
import { isNpy, readNpy } from './npy';
import { isZip, readNpz } from './npz';
import { readNrrd } from './nrrd';
import { isNrrd } from './nrrdHeader';
import type { ReadOptions, Volume } from './volume';

/** The Volume, or undefined when the bytes are none of NRRD, MetaImage, .npy, .npz. */
export function readOtherFormat(bytes: Uint8Array, source: string, options: ReadOptions): Volume | undefined {
  if (isNrrd(bytes)) return readNrrd(bytes, source, options);
  if (isNpy(bytes)) return readNpy(bytes, source, options);
  if (isZip(bytes)) return readNpz(bytes, source, options);
  if (isMetaImage(bytes)) return readMetaImage(bytes, source, options);
  return undefined;
}
