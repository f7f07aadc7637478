/**
 * Handing bytes to another thread without handing over memory that is not theirs. A Node Buffer
 * is often a view into a shared 8 KiB pool (readFile of a small or empty file, zlib output), and
 * `Buffer#slice` is a view too, not a copy: posting or transferring `view.buffer` would send the
 * whole pool — other data, or uninitialised memory (issue #9: an empty .nii.gz was reported as
 * "first bytes c0 1c 71 de …", different on every open).
 */

/** An ArrayBuffer holding exactly the view's bytes: its own buffer when it spans all of it, else a copy. */
export function exactArrayBuffer(view: ArrayBufferView): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = view;
  if (buffer instanceof ArrayBuffer && byteOffset === 0 && byteLength === buffer.byteLength) return buffer;
  const copy = new Uint8Array(byteLength);
  copy.set(new Uint8Array(buffer, byteOffset, byteLength));
  return copy.buffer;
}

/** True when transferring `view.buffer` would move exactly the view's bytes and nothing else. */
export function ownsWholeBuffer(view: ArrayBufferView): view is ArrayBufferView & { buffer: ArrayBuffer } {
  return view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength;
}
