/**
 * `mask-inspector merge PART_DIR… --out DIR` (dispatched from src/cli.ts): joins the partial
 * reports of `report --shard I/N` (mergeReports.ts). Exit 0 written; 2 bad usage or parts that
 * do not make one report (missing, duplicated, incompatible: one `error:` line, nothing written);
 * 1 the report cannot be written.
 */
import { optionsUsage, parseCommandLine, UsageError } from '../cliOptions';
import { escapeControl, terminalText } from '../core/escape';
import { mergeReports, MergeError } from './mergeReports';

export const MERGE_USAGE = `usage: mask-inspector merge PART_DIR... --out DIR

Joins the partial reports of \`mask-inspector report ... --shard I/N\` (parts 0 … N−1, each once,
same settings) into the report one unsharded run writes. See docs/scale-out.md.

${optionsUsage('merge')}

exit status: 0 merged, 1 cannot write DIR, 2 bad usage or parts that do not make one report (nothing written)`;

export async function runMergeCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(MERGE_USAGE + '\n');
    return 0;
  }
  let parts: string[];
  let out: string | null;
  try {
    const { values, positionals } = parseCommandLine('merge', argv);
    parts = positionals;
    out = values.out ?? null;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${escapeControl(`error: ${error.message}`)}\n${MERGE_USAGE}\n`);
    return 2;
  }
  if (out === null) { process.stderr.write(`error: merge needs --out DIR (the merged report folder)\n${MERGE_USAGE}\n`); return 2; }
  try {
    const files = await mergeReports(parts, out);
    process.stdout.write(terminalText(`merged ${parts.length} part${parts.length === 1 ? '' : 's'} → ${files.dir}\n  ${files.html}\n  ${files.json}\n  ${files.casesCsv}\n  ${files.slicesCsv}\n`));
    return 0;
  } catch (error) {
    if (error instanceof MergeError) {
      process.stderr.write(`${escapeControl(`error: ${error.message}`)}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw error;
    process.stderr.write(`${escapeControl(`error: ${out}: cannot write the merged report there (${code}); choose another folder with --out`)}\n`);
    return 1;
  }
}
