#!/usr/bin/python3
"""Writes the small cross-format fixtures' NumPy and NIfTI sources (Debian's numpy and nibabel).

Run from this folder:  /usr/bin/python3 make_arrays.py && sh make_itk.sh
The NRRD/MetaImage files are then written from the NIfTI files by plastimatch (ITK), see make_itk.sh.
"""
import gzip, json
import numpy as np
import nibabel as nib

shape = (7, 6, 5)
i, j, k = np.meshgrid(*[np.arange(n) for n in shape], indexing='ij')
# Label: 0 background, 1 a box, 2 a smaller box; deliberately asymmetric along every axis.
label = np.zeros(shape, np.uint8)
label[1:5, 2:6, 1:4] = 1
label[2:4, 0:2, 3:5] = 2
# Prediction: a probability map for class "foreground" (label > 0), off by a few voxels.
pred = np.clip(0.15 * (i + 1) / shape[0] + 0.7 * (label > 0) + 0.1 * (k == 4) - 0.05 * j / shape[1], 0, 1).astype(np.float32)

# Oblique, flipped-x world (rotation 30 degrees about z), spacing 0.8 x 0.9 x 2.5 mm.
c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
rot = np.array([[-c, -s, 0], [-s, c, 0], [0, 0, 1]])
affine = np.eye(4)
affine[:3, :3] = rot @ np.diag([0.8, 0.9, 2.5])
affine[:3, 3] = [-10.0, 20.5, -3.25]

def nifti(arr, aff, name):
    img = nib.Nifti1Image(arr, aff)
    img.set_qform(aff, code=1)
    img.set_sform(aff, code=1)
    nib.save(img, name)

nifti(label, affine, 'label.nii.gz')
nifti(pred, affine, 'pred.nii.gz')
shifted = affine.copy()
shifted[:3, 3] += [3.0, 0, 0]
nifti(label, shifted, 'label_shifted.nii.gz')
# From here on the affine as stored (float32 pixdim/srow), as nibabel reads it back.
affine = nib.load('label.nii.gz').affine
flipped = affine @ np.diag([1, -1, 1, 1])
flipped[:3, 3] = affine[:3, 3]
nifti(label, flipped, 'label_flipped.nii.gz')

# NumPy, in ITK/SimpleITK axis order (arr[k, j, i], i.e. the nibabel array transposed, as
# sitk.GetArrayFromImage returns it): one array, C and Fortran order; npz stored (savez) and
# deflated (savez_compressed); nnU-Net's --save_probabilities layout (channel, z, y, x).
zyx = lambda a: a.transpose(2, 1, 0)
np.save('label_c.npy', np.ascontiguousarray(zyx(label).astype(np.int64)))
np.save('label_f.npy', np.asfortranarray(zyx(label).astype(np.int64)))
np.save('pred_c.npy', np.ascontiguousarray(zyx(pred)))
np.save('pred_f_be.npy', np.asfortranarray(zyx(pred).astype('>f4')))
np.savez('pred_stored.npz', other=np.zeros((2, 2)), prob=zyx(pred))
np.savez_compressed('label_deflated.npz', label=np.asfortranarray(zyx(label)))
np.savez_compressed('softmax_nnunet.npz', probabilities=np.stack([1 - zyx(pred), zyx(pred)]).astype(np.float32))

# 3D Slicer .seg.nrrd conventions, written as text header + gzip data (Slicer 5 layout).
def seg_header(sizes, kinds, directions, extra):
    lines = ['NRRD0004', '# Complete NRRD file format specification at:', '# http://teem.sourceforge.net/nrrd/format.html',
             'type: unsigned char', f'dimension: {len(sizes)}', 'space: left-posterior-superior',
             'sizes: ' + ' '.join(map(str, sizes)), 'space directions: ' + directions,
             'kinds: ' + kinds, 'encoding: gzip',
             'space origin: (%r,%r,%r)' % (10.0, -20.5, -3.25)]
    lines += [f'{k}:={v}' for k, v in extra]
    return ('\n'.join(lines) + '\n\n').encode()

# Directions as ITK writes them: unit direction x stored spacing, in float64.
zooms = np.array(nib.load('label.nii.gz').header.get_zooms()[:3], dtype=np.float64)
unit = affine[:3, :3] / np.sqrt((affine[:3, :3] ** 2).sum(axis=0))
lps = np.diag([-1, -1, 1]) @ unit @ np.diag(zooms)
dirs = ' '.join('(%r,%r,%r)' % tuple(float(x) for x in lps[:, a]) for a in range(3))
names = [('Segment0', 'liver', 1, 0, '0.86 0.55 0.39'), ('Segment1', 'tumour', 2, 0, '0.2 0.8 0.2')]
extra = []
for n, (sid, name, value, layer, color) in enumerate(names):
    extra += [(f'Segment{n}_ID', sid), (f'Segment{n}_Name', name), (f'Segment{n}_LabelValue', value),
              (f'Segment{n}_Layer', layer), (f'Segment{n}_Color', color)]
with open('label.seg.nrrd', 'wb') as f:
    f.write(seg_header(shape, 'domain domain domain', dirs, extra))
    f.write(gzip.compress(label.tobytes(order='F'), mtime=0))
# 4D: two layers, each segment value 1 in its own layer (overlap-capable layout).
layers = np.stack([(label == 1).astype(np.uint8), (label == 2).astype(np.uint8)])  # (layer, i, j, k)
extra4 = []
for n, (sid, name, _value, _layer, color) in enumerate(names):
    extra4 += [(f'Segment{n}_ID', sid), (f'Segment{n}_Name', name), (f'Segment{n}_LabelValue', 1),
               (f'Segment{n}_Layer', n), (f'Segment{n}_Color', color)]
with open('label_layers.seg.nrrd', 'wb') as f:
    f.write(seg_header((2,) + shape, 'list domain domain domain', 'none ' + dirs, extra4))
    f.write(gzip.compress(np.asfortranarray(layers).tobytes(order='F'), mtime=0))

# What the files hold, for the tests (computed here, independently of the reader).
json.dump({
    'shape': list(shape), 'affine': affine.tolist(),
    'labelSum': int(label.sum()), 'labelCounts': {str(v): int((label == v).sum()) for v in (0, 1, 2)},
    'predSum': float(pred.astype(np.float64).sum()),
    'probe': {'ijk': [3, 1, 4], 'label': int(label[3, 1, 4]), 'pred': float(pred[3, 1, 4])},
}, open('expected.json', 'w'), indent=1)

# MetaImage CompressedData (zlib) and big-endian raw NRRD, written by hand after the formats'
# conventions (plastimatch writes neither), LPS geometry of the same affine.
import zlib
lps_aff = np.diag([-1, -1, 1]) @ affine[:3, :]
spacing = np.array(nib.load('label.nii.gz').header.get_zooms()[:3], dtype=np.float64)
tm = ' '.join(repr(float(x)) for a in range(3) for x in lps_aff[:, a] / spacing[a])
body = pred.astype('>f4').tobytes(order='F')
comp = zlib.compress(pred.tobytes(order='F'))
with open('pred_zlib.mha', 'wb') as f:
    f.write(('ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n'
             f'CompressedData = True\nCompressedDataSize = {len(comp)}\nTransformMatrix = {tm}\n'
             'Offset = ' + ' '.join(repr(float(x)) for x in lps_aff[:, 3]) + '\n'
             'ElementSpacing = ' + ' '.join(repr(float(x)) for x in spacing) + '\n'
             f'DimSize = {shape[0]} {shape[1]} {shape[2]}\nElementType = MET_FLOAT\nElementDataFile = LOCAL\n').encode())
    f.write(comp)
with open('pred_be.nrrd', 'wb') as f:
    f.write(('NRRD0005\ntype: float\ndimension: 3\nspace: left-posterior-superior\n'
             f'sizes: {shape[0]} {shape[1]} {shape[2]}\nspace directions: {dirs}\nkinds: domain domain domain\n'
             'endian: big\nencoding: raw\nspace origin: (10,-20.5,-3.25)\n\n').encode())
    f.write(body)
