/**
 * Three masks chosen together (Compare Two Predictions): which one is the label, from their names
 * alone, by the same rules as two masks (pairing.ts guessRoles). Pure: no file system.
 */
import { DEFAULT_PAIRING_RULES, guessRoles, type PairingRule } from './pairing';

export interface VersusRoles {
  readonly predictionA: string;
  readonly predictionB: string;
  readonly label: string;
}

/**
 * The label is the file that guessRoles confidently calls the label against most of the other
 * two (`x_label`, `x_gt`, a `labelsTr`/`gt` folder…); on a tie the later file in `paths`. A and B
 * keep the order they were given in (the Explorer's selection order); Swap exchanges them.
 */
export function guessVersusRoles(paths: readonly [string, string, string], rules: readonly PairingRule[] = DEFAULT_PAIRING_RULES): VersusRoles {
  let best = 2;
  let bestScore = -1;
  paths.forEach((path, n) => {
    let score = 0;
    for (const other of paths) {
      if (other === path) continue;
      const roles = guessRoles(path, other, rules);
      if (roles.confident && roles.label === path) score++;
    }
    if (score >= bestScore) {
      best = n;
      bestScore = score;
    }
  });
  const [predictionA, predictionB] = paths.filter((_p, n) => n !== best) as [string, string];
  return { predictionA, predictionB, label: paths[best]! };
}

/** The six ways to assign three files, for the "Choose roles" quick pick: the current one first. */
export function allVersusRoles(current: VersusRoles): VersusRoles[] {
  const files = [current.predictionA, current.predictionB, current.label];
  const out: VersusRoles[] = [];
  for (const label of [current.label, current.predictionA, current.predictionB]) {
    const [a, b] = files.filter((f) => f !== label) as [string, string];
    const first = label === current.label ? { predictionA: current.predictionA, predictionB: current.predictionB } : { predictionA: a, predictionB: b };
    out.push({ ...first, label });
    out.push({ predictionA: first.predictionB, predictionB: first.predictionA, label });
  }
  return out;
}
