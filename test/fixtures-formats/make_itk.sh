#!/bin/sh
# NRRD and MetaImage written by ITK (Debian's plastimatch 1.9.4) from the NIfTI files make_arrays.py wrote.
set -e
for f in label pred label_shifted label_flipped; do
  plastimatch convert --input $f.nii.gz --output-img $f.nrrd
  plastimatch convert --input $f.nii.gz --output-img $f.mha
done
plastimatch convert --input label.nii.gz --output-img label_detached.nhdr
plastimatch convert --input label.nii.gz --output-img label_mhd.mhd
