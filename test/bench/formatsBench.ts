/**
 * `npm run bench -- --formats`: decode time of the 512×512×300 pair (float32 probability
 * prediction + uint8 label) in every format, against the NIfTI path (.nii.gz for compressed
 * formats, .nii for uncompressed ones): readVolumeFile of both files, median of --reps runs.
 * The target (issue #13) is within 1.3× of NIfTI. Files are generated once into
 * bench-data/<size>/formats/ (never committed). Prints the load average: the machine is shared.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import * as zlib from 'node:zlib';
import { reverseAxes } from '../../src/core/io/axisOrder';
import { readVolumeFile } from '../../src/core/io/readVolume';
import { transposeOn } from '../../src/worker/streamCompare';
import { mhaFile, npyFile, nrrdFile } from '../unit/helpers/ioTestUtils';
import { gzip, writeNifti } from '../unit/helpers/niftiWriter';
import { makeSyntheticPair } from './synthetic';

type Kind = 'prob' | 'label';
/** The Fortran .npy row read by this thread alone. */
const ONE_THREAD = 'one thread';
type Row = (typeof EXTENSIONS)[number] | typeof ONE_THREAD;
const EXTENSIONS = ['.nii', '.nii.gz', '.nrrd', '.raw.nrrd', '.mha', '.zlib.mha', '_c.npy', '_f.npy', '.npz'] as const;
/** Which NIfTI file each format is compared with: compressed with .nii.gz, raw with .nii. */
const BASELINE: Record<(typeof EXTENSIONS)[number], '.nii' | '.nii.gz'> = {
  '.nii': '.nii', '.nii.gz': '.nii.gz', '.nrrd': '.nii.gz', '.raw.nrrd': '.nii', '.mha': '.nii', '.zlib.mha': '.nii.gz',
  '_c.npy': '.nii', '_f.npy': '.nii', '.npz': '.nii.gz',
};

function npz(member: Uint8Array): Uint8Array {
  const name = Buffer.from('arr_0.npy');
  const data = zlib.deflateRawSync(member);
  const crc = zlib.crc32(member);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(member.length, 22); local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16); central.writeUInt32LE(data.length, 20); central.writeUInt32LE(member.length, 24); central.writeUInt16LE(name.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12); end.writeUInt32LE(30 + name.length + data.length, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}

function ensureFiles(dir: string, nx: number, ny: number, nz: number): (kind: Kind, ext: string) => string {
  const path = (kind: Kind, ext: string) => join(dir, `${kind}${ext}`);
  if (EXTENSIONS.every((e) => existsSync(path('prob', e)) && existsSync(path('label', e)))) return path;
  mkdirSync(dir, { recursive: true });
  console.log(`generating the ${nx}×${ny}×${nz} pair in every format in ${dir} (once) …`);
  const pair = makeSyntheticPair(nx, ny, nz);
  const dims = pair.dims;
  const pixdim = [1, ...pair.spacing, 1];
  const srow = [pair.spacing[0], 0, 0, 0, 0, pair.spacing[1], 0, 0, 0, 0, pair.spacing[2], 0];
  for (const kind of ['prob', 'label'] as const) {
    const values = kind === 'prob' ? pair.probability : pair.label;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    // The volume (x fastest) is the C-ordered array of shape (z, y, x), the .npy axis rule; its
    // Fortran-ordered file holds that array with z fastest.
    const zyx = [dims[2], dims[1], dims[0]];
    const fOrder = reverseAxes(values, zyx);
    const fBytes = new Uint8Array(fOrder.buffer, fOrder.byteOffset, fOrder.byteLength);
    const nii = writeNifti({ shape: dims, dtype: kind === 'prob' ? 'float32' : 'uint8', values, pixdim, srow });
    const [nrrdType, metaType, descr] = kind === 'prob' ? ['float', 'MET_FLOAT', '<f4'] : ['unsigned char', 'MET_UCHAR', '|u1'];
    const files: Record<string, Uint8Array> = {
      '.nii': nii, '.nii.gz': gzip(nii),
      '.nrrd': nrrdFile(dims, pair.spacing, nrrdType, bytes, true), '.raw.nrrd': nrrdFile(dims, pair.spacing, nrrdType, bytes, false),
      '.mha': mhaFile(dims, pair.spacing, metaType, bytes, false), '.zlib.mha': mhaFile(dims, pair.spacing, metaType, bytes, true),
      '_c.npy': npyFile(zyx, descr, false, bytes), '_f.npy': npyFile(zyx, descr, true, fBytes),
      '.npz': npz(npyFile(zyx, descr, false, bytes)),
    };
    for (const [ext, content] of Object.entries(files)) writeFileSync(path(kind, ext), content);
  }
  return path;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runFormatsBench(argv: readonly string[]): Promise<void> {
  const flag = (name: string, fallback: string) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1]! : fallback; };
  const [nx, ny, nz] = flag('--size', '512,512,300').split(',').map(Number) as [number, number, number];
  const reps = Number(flag('--reps', '5'));
  // `--only _f.npy,.nii`: just those rows (each row's NIfTI baseline is added), for quick A/B runs.
  const only = flag('--only', '').split(',').filter((e) => e.length > 0);
  const unknown = only.filter((e) => !(EXTENSIONS as readonly string[]).includes(e));
  if (unknown.length > 0) throw new Error(`--only: unknown format ${unknown.join(', ')}; use ${EXTENSIONS.join(', ')}`);
  const rows: Row[] = EXTENSIONS.filter((e) => only.length === 0 || only.includes(e) || only.some((o) => BASELINE[o as (typeof EXTENSIONS)[number]] === e));
  const dir = join(resolve(__dirname, '../..'), 'bench-data', `${nx}x${ny}x${nz}`, 'formats');
  const path = ensureFiles(dir, nx, ny, nz);
  // The CLI's range worker, which `compare` gives a share of a Fortran-ordered .npy's transposition
  // (sharedTranspose.ts); started ahead, as the CLI starts it (prestart.ts).
  const worker = new Worker(join(resolve(__dirname, '../..'), 'dist', 'rangeWorker.js'));
  await new Promise<void>((done, fail) => { worker.once('online', done); worker.once('error', fail); });
  const helped = { transposeHelper: transposeOn(worker) };
  if (rows.includes('_f.npy')) rows.splice(rows.indexOf('_f.npy') + 1, 0, ONE_THREAD);
  const ms: Record<string, number> = {};
  // Interleaved rounds, so a burst of load from other processes hits every format alike.
  const runs: Record<string, number[]> = Object.fromEntries(rows.map((e) => [e, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(rows.map((e) => [e, []]));
  for (let r = 0; r < reps; r++) {
    for (const ext of rows) {
      global.gc?.();
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const file = ext === ONE_THREAD ? '_f.npy' : ext;
      const options = ext === '_f.npy' ? helped : {};
      readVolumeFile(path('prob', file), options);
      readVolumeFile(path('label', file), options);
      const c = process.cpuUsage(c0);
      runs[ext]!.push(performance.now() - t0);
      cpu[ext]!.push((c.user + c.system) / 1000);
    }
  }
  await worker.terminate();
  for (const ext of rows) ms[ext] = median(runs[ext]!);
  console.log(`decode of the ${nx}×${ny}×${nz} pair (float32 prediction + uint8 label), readVolumeFile, median of ${reps}; ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; _f.npy with the range worker transposing part (as compare reads it), ` +
    `${ONE_THREAD} without (compare --jobs 1); CPU is both threads'`);
  for (const ext of rows) {
    const base = BASELINE[ext === ONE_THREAD ? '_f.npy' : ext];
    const ratio = ms[ext]! / ms[base]!;
    const cpuMs = median(cpu[ext]!);
    const cpuRatio = cpuMs / median(cpu[base]!);
    const verdict = ext === base ? '' : `${ratio.toFixed(2)}× of ${base}${ratio <= 1.3 ? '' : '  (over the 1.3× target)'}; CPU ${cpuRatio.toFixed(2)}×`;
    const name = ext === ONE_THREAD ? `prob_f.npy + label_f.npy, ${ONE_THREAD}` : `prob${ext} + label${ext}`;
    console.log(`  decode pair ${name.padEnd(34)} ${`${ms[ext]!.toFixed(0)} ms`.padStart(8)} ${`(CPU ${cpuMs.toFixed(0)} ms)`.padStart(14)}   ${verdict}`);
  }
}
