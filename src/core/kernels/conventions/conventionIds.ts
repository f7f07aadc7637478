/**
 * The training-library loss conventions of shared/spec/conventions.md (MONAI 1.5, SMP, nnU-Net
 * v2): their ids, which of them have a multi-class value, which use a substitute logit for a
 * label-map prediction, and the convention list a user picks (`--conventions`).
 */

export const CONVENTIONS = ['seed', 'monai', 'smp', 'nnunet'] as const;
export type Convention = (typeof CONVENTIONS)[number];

export const CONVENTION_LOSS_IDS = [
  'monai.dice', 'monai.jaccard', 'monai.generalizedDice', 'monai.tversky', 'monai.focal', 'monai.diceCe', 'monai.diceFocal',
  'smp.dice', 'smp.jaccard', 'smp.tversky', 'smp.focal', 'smp.lovasz', 'smp.softBce',
  'nnunet.dice', 'nnunet.dcAndCe', 'nnunet.dcAndBce',
] as const;
export type ConventionLossId = (typeof CONVENTION_LOSS_IDS)[number];

/** SMP SoftBCE and nnU-Net DC_and_BCE are multilabel/region losses: no multi-class value (spec 11.1). */
export const MULTICLASS_CONVENTION_IDS: readonly ConventionLossId[] =
  CONVENTION_LOSS_IDS.filter((id) => id !== 'smp.softBce' && id !== 'nnunet.dcAndBce');

/** Ids with a logit-based term: substituted for a label-map prediction (spec 11.2). */
export const LOGIT_BASED_IDS: ReadonlySet<ConventionLossId> = new Set<ConventionLossId>([
  'monai.focal', 'monai.diceCe', 'monai.diceFocal', 'smp.focal', 'smp.lovasz', 'smp.softBce', 'nnunet.dcAndCe', 'nnunet.dcAndBce',
]);

export type ConventionLosses = { [K in ConventionLossId]?: number };

export const CONVENTION_LOSS_LABELS: { readonly [K in ConventionLossId]: string } = {
  'monai.dice': 'MONAI DiceLoss', 'monai.jaccard': 'MONAI DiceLoss(jaccard)', 'monai.generalizedDice': 'MONAI GeneralizedDiceLoss',
  'monai.tversky': 'MONAI TverskyLoss', 'monai.focal': 'MONAI FocalLoss', 'monai.diceCe': 'MONAI DiceCELoss',
  'monai.diceFocal': 'MONAI DiceFocalLoss', 'smp.dice': 'SMP DiceLoss', 'smp.jaccard': 'SMP JaccardLoss',
  'smp.tversky': 'SMP TverskyLoss', 'smp.focal': 'SMP FocalLoss', 'smp.lovasz': 'SMP LovaszLoss',
  'smp.softBce': 'SMP SoftBCEWithLogitsLoss', 'nnunet.dice': 'nnU-Net soft Dice', 'nnunet.dcAndCe': 'nnU-Net DC_and_CE',
  'nnunet.dcAndBce': 'nnU-Net DC_and_BCE',
};

export function conventionOf(id: ConventionLossId): Exclude<Convention, 'seed'> {
  return id.slice(0, id.indexOf('.')) as Exclude<Convention, 'seed'>;
}

/** The library ids of `conventions`, in CONVENTION_LOSS_IDS order. */
export function conventionIdsOf(conventions: readonly Convention[]): ConventionLossId[] {
  return CONVENTION_LOSS_IDS.filter((id) => conventions.includes(conventionOf(id)));
}

/**
 * Parses a `--conventions` list: comma-separated names of CONVENTIONS or `all`. Returns the
 * conventions in canonical order; throws a RangeError naming the bad entry and the choices.
 */
export function parseConventionList(text: string): Convention[] {
  const names = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new RangeError(`--conventions takes a comma list of ${CONVENTIONS.join(', ')} or all (got "${text}")`);
  const chosen = new Set<Convention>();
  for (const name of names) {
    if (name === 'all') CONVENTIONS.forEach((c) => chosen.add(c));
    else if ((CONVENTIONS as readonly string[]).includes(name)) chosen.add(name as Convention);
    else throw new RangeError(`unknown convention "${name}": choose from ${CONVENTIONS.join(', ')}, all`);
  }
  return CONVENTIONS.filter((c) => chosen.has(c));
}
