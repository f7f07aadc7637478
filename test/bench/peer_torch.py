"""Peer for `npm run bench` (issue #10): nibabel reads the pair, PyTorch computes the nine losses
per k-slice in float64, the way a training script would (the seed's code:
shared/spec/losses.md). Only the time matters here; prints the mean slice dice as a sanity check.
Usage: python3 peer_torch.py PRED.nii.gz LABEL.nii.gz"""
import sys

import nibabel as nib
import numpy as np
import torch


def lovasz_grad(gt_sorted):
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.cumsum(0)
    union = gts + (1 - gt_sorted).cumsum(0)
    jaccard = 1.0 - intersection / union
    if len(gt_sorted) > 1:
        jaccard[1:] = jaccard[1:] - jaccard[:-1]
    return jaccard


def lovasz_hinge_flat(scores, labels):
    signs = 2.0 * labels - 1.0
    errors = 1.0 - scores * signs
    errors_sorted, perm = torch.sort(errors, dim=0, descending=True)
    return torch.dot(torch.relu(errors_sorted), lovasz_grad(labels[perm]))


def losses(p, t, s=1.0):
    tp = (p * t).sum(); fp = (p * (1 - t)).sum(); fn = ((1 - p) * t).sum()
    bce = torch.nn.functional.binary_cross_entropy(p, t)
    dice = 1 - (2 * tp + s) / (p.sum() + t.sum() + s)
    iou = 1 - (tp + s) / (p.sum() + t.sum() - tp + s)
    focal = 0.8 * (1 - torch.exp(-bce)) ** 2 * bce
    bce_i = torch.nn.functional.binary_cross_entropy(p, t, reduction='none')
    focal_pixel = (0.8 * (1 - torch.exp(-bce_i)) ** 2 * bce_i).mean()
    tversky = 1 - (tp + s) / (tp + 0.5 * fp + 0.5 * fn + s)
    focal_tversky = tversky ** 2
    q = p.clamp(1e-6, 1 - 1e-6)
    lovasz = lovasz_hinge_flat(torch.log(q / (1 - q)), t)
    ph = p.clamp(1e-9, 1 - 1e-9)
    wce = -(0.5 * (t * torch.log(ph) + 0.5 * (1 - t) * torch.log(1 - ph))).mean()
    combo = 0.5 * wce - 0.5 * (2 * tp + s) / (p.sum() + t.sum() + s)
    return torch.stack([dice, bce + dice, iou, focal, focal_pixel, tversky, focal_tversky, lovasz, combo])


def main():
    pred = torch.from_numpy(np.asarray(nib.load(sys.argv[1]).dataobj, dtype=np.float64))
    label = torch.from_numpy((np.asarray(nib.load(sys.argv[2]).dataobj) > 0).astype(np.float64))
    rows = [losses(pred[:, :, k].reshape(-1), label[:, :, k].reshape(-1)) for k in range(pred.shape[2])]
    print(f'slices {len(rows)} mean slice dice {torch.stack(rows)[:, 0].mean().item():.6f}')


if __name__ == '__main__':
    main()
