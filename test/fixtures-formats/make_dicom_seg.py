#!/usr/bin/python3
"""Writes the DICOM-SEG fixtures from label.nii.gz (Debian's python3-pydicom 2.3 + nibabel + numpy).

Run from this folder after make_arrays.py:  /usr/bin/python3 make_dicom_seg.py
Check that DCMTK parses them:  for f in *.dcm seg_folder/*; do dcmdump -q +E "$f" > /dev/null || echo BAD $f; done

label.seg.dcm          BINARY SEG, explicit VR little endian, 1-bit frames packed back to back (42 pixels a
                       frame: frames do not start on a byte), only the frames a segment covers, in shuffled order,
                       each with its own ImagePositionPatient (LPS) and ReferencedSegmentNumber;
                       sequences and items of undefined length.
label_implicit.seg.dcm the same dataset, implicit VR little endian, defined-length sequences.
seg_folder/SEG0001     the same file without an extension, alone in a folder (as DICOM exports are).
label_overlap.seg.dcm  segment 2 also covers 4 voxels of segment 1 ([1:3, 2:4, 1:2]).
label_fractional.seg.dcm  FRACTIONAL segmentation (8-bit): refused with a message.
label_rle.seg.dcm      RLE Lossless transfer syntax (encapsulated pixels): refused with a message.
label_colours.seg.dcm  label.seg.dcm with RecommendedDisplayCIELabValue per segment: sRGB red and blue, from
                       their textbook CIELAB (D65) values (L* 53.2408 a* 80.0925 b* 67.2032; 32.2970 79.1875
                       -107.8602), scaled as DICOM says (L* 0..100 and a*, b* -128..127 onto 0..65535).
"""
import os, random
import numpy as np
import nibabel as nib
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, RLELossless
from pydicom.pixel_data_handlers.numpy_handler import pack_bits
from pydicom.encaps import encapsulate

img = nib.load('label.nii.gz')
label = np.asarray(img.dataobj).astype(np.uint8)  # [i, j, k]
affine = img.affine                               # RAS, float32 srows as nibabel reads them
nx, ny, nz = label.shape
lps = np.diag([-1.0, -1.0, 1.0]) @ affine[:3, :]
spacing = np.array(img.header.get_zooms()[:3], dtype=np.float64)  # pixdim, as the NIfTI reader's spacing
unit = lps[:, :3] / np.sqrt((lps[:, :3] ** 2).sum(axis=0))


def ds_str(x):
    """A DS value (at most 16 characters) with as many digits as fit."""
    for p in range(16, 0, -1):
        s = '%.*g' % (p, float(x))
        if len(s) <= 16:
            return s
    raise ValueError(x)


def code(value, scheme, meaning):
    c = Dataset()
    c.CodeValue, c.CodingSchemeDesignator, c.CodeMeaning = value, scheme, meaning
    return c


UID = '1.2.826.0.1.3680043.8.498.'  # pydicom's root, fixed suffixes so the files are reproducible
segments = [(1, 'liver', ('10200004', 'SCT', 'Liver')), (2, 'tumour', ('108369006', 'SCT', 'Neoplasm'))]


LAB = {1: (53.2408, 80.0925, 67.2032), 2: (32.2970, 79.1875, -107.8602)}  # sRGB red, blue


def dicom_lab(lab):
    L, a, b = lab
    return [round(L * 65535 / 100), round((a + 128) * 65535 / 255), round((b + 128) * 65535 / 255)]


def build(fractional=False, overlap=False, colours=False):
    ds = Dataset()
    ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.66.4'
    ds.SOPInstanceUID = UID + '1301'
    ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.FrameOfReferenceUID = UID + '1302', UID + '1303', UID + '1304'
    ds.PatientName, ds.PatientID, ds.PatientBirthDate, ds.PatientSex = 'Fixture^Mask', 'MI13', '', 'O'
    ds.StudyDate, ds.StudyTime, ds.ReferringPhysicianName, ds.StudyID, ds.AccessionNumber = '20260101', '120000', '', '1', ''
    ds.ContentDate, ds.ContentTime = '20260101', '120000'
    ds.Modality, ds.SeriesNumber, ds.InstanceNumber = 'SEG', 300, 1
    ds.Manufacturer, ds.ManufacturerModelName, ds.DeviceSerialNumber, ds.SoftwareVersions = 'Mask Inspector tests', 'make_dicom_seg.py', '1', '1'
    ds.PositionReferenceIndicator = ''
    ds.ImageType = ['DERIVED', 'PRIMARY']
    ds.ContentLabel, ds.ContentDescription, ds.ContentCreatorName = 'LABEL', 'fixture', 'Fixture^Writer'
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, 'MONOCHROME2'
    ds.Rows, ds.Columns = ny, nx           # a frame's columns run along i, its rows along j
    ds.PixelRepresentation, ds.LossyImageCompression = 0, '00'
    if fractional:
        ds.SegmentationType, ds.SegmentationFractionalType, ds.MaximumFractionalValue = 'FRACTIONAL', 'PROBABILITY', 255
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    else:
        ds.SegmentationType = 'BINARY'
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = 1, 1, 0
    seq = []
    for number, name, prop in segments:
        s = Dataset()
        s.SegmentNumber, s.SegmentLabel, s.SegmentAlgorithmType = number, name, 'MANUAL'
        s.SegmentedPropertyCategoryCodeSequence = Sequence([code('91723000', 'SCT', 'Anatomical Structure')])
        s.SegmentedPropertyTypeCodeSequence = Sequence([code(*prop)])
        if colours:
            s.RecommendedDisplayCIELabValue = dicom_lab(LAB[number])
        seq.append(s)
    ds.SegmentSequence = Sequence(seq)
    dim_org = Dataset(); dim_org.DimensionOrganizationUID = UID + '1305'
    ds.DimensionOrganizationSequence = Sequence([dim_org])
    d1, d2 = Dataset(), Dataset()
    d1.DimensionOrganizationUID, d1.DimensionIndexPointer, d1.FunctionalGroupPointer = UID + '1305', 0x0062000B, 0x0062000A
    d2.DimensionOrganizationUID, d2.DimensionIndexPointer, d2.FunctionalGroupPointer = UID + '1305', 0x00200032, 0x00209113
    ds.DimensionIndexSequence = Sequence([d1, d2])

    shared = Dataset()
    measures = Dataset()
    measures.PixelSpacing = [ds_str(spacing[1]), ds_str(spacing[0])]   # row spacing (along j), column spacing (along i)
    measures.SliceThickness = ds_str(spacing[2])
    measures.SpacingBetweenSlices = ds_str(spacing[2])
    shared.PixelMeasuresSequence = Sequence([measures])
    orient = Dataset()
    orient.ImageOrientationPatient = [ds_str(x) for x in list(unit[:, 0]) + list(unit[:, 1])]
    shared.PlaneOrientationSequence = Sequence([orient])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])

    masks = {number: label == number for number, _n, _p in segments}
    if overlap:
        masks[2] = masks[2].copy()
        masks[2][1:3, 2:4, 1:2] = True  # 4 voxels inside segment 1
    frames, pixels = [], []
    for number, _name, _prop in segments:
        for k in range(nz):
            plane = masks[number][:, :, k]
            if not plane.any():
                continue  # only the slices a segment covers, as dcmqi and highdicom write
            frames.append((number, k))
    random.Random(13).shuffle(frames)  # frame order says nothing: positions do
    per_frame = []
    for number, k in frames:
        f = Dataset()
        content = Dataset(); content.DimensionIndexValues = [number, k + 1]
        f.FrameContentSequence = Sequence([content])
        pos = Dataset(); pos.ImagePositionPatient = [ds_str(x) for x in lps[:, 3] + k * lps[:, 2]]
        f.PlanePositionSequence = Sequence([pos])
        ident = Dataset(); ident.ReferencedSegmentNumber = number
        f.SegmentIdentificationSequence = Sequence([ident])
        per_frame.append(f)
        plane = masks[number][:, :, k].T   # [row j, column i]
        pixels.append(plane.astype(np.uint8) * (255 if fractional else 1))
    ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
    ds.NumberOfFrames = len(frames)
    stack = np.stack(pixels)
    ds.PixelData = stack.tobytes() if fractional else pack_bits(stack.ravel())
    return ds


def save(ds, name, syntax, implicit=False):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    meta.TransferSyntaxUID = syntax
    meta.ImplementationClassUID = UID + '1306'
    ds.file_meta = meta
    ds.is_little_endian, ds.is_implicit_VR = True, implicit
    ds.preamble = b'\0' * 128
    ds.save_as(name, write_like_original=False)


def sequence_lengths(ds, undefined):
    for elem in ds.iterall():
        if elem.VR == 'SQ':
            elem.is_undefined_length = undefined
    return ds


save(sequence_lengths(build(), True), 'label.seg.dcm', ExplicitVRLittleEndian)
implicit = sequence_lengths(build(), False)
save(implicit, 'label_implicit.seg.dcm', ImplicitVRLittleEndian, implicit=True)
os.makedirs('seg_folder', exist_ok=True)
save(build(), 'seg_folder/SEG0001', ExplicitVRLittleEndian)
save(build(fractional=True), 'label_fractional.seg.dcm', ExplicitVRLittleEndian)
save(build(overlap=True), 'label_overlap.seg.dcm', ExplicitVRLittleEndian)
save(build(colours=True), 'label_colours.seg.dcm', ExplicitVRLittleEndian)
rle = build()
rle.PixelData = encapsulate([b'\0' * 64])
rle['PixelData'].is_undefined_length = True
rle['PixelData'].VR = 'OB'
save(rle, 'label_rle.seg.dcm', RLELossless)
