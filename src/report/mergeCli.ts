/**
 * `mask-inspector merge PART_DIR… --out DIR` (dispatched from src/cli.ts): joins the partial
 * reports of `report --shard I/N` (mergeReports.ts). Exit 0 written; 2 bad usage or parts that
 * do not make one report (missing, duplicated, incompatible: one `error:` line, nothing written);
 * 1 the report cannot be written.
 */
import { mergeReports, MergeError } from './mergeReports';

export const MERGE_USAGE = `usage: mask-inspector merge PART_DIR... --out DIR

Joins the partial reports of \`mask-inspector report ... --shard I/N\` (parts 0 … N−1, each once,
same settings) into the report one unsharded run writes. See docs/scale-out.md.

options:
  --out DIR                               the merged report folder (required)
  -h, --help                              this text

exit status: 0 merged, 1 cannot write DIR, 2 bad usage or parts that do not make one report (nothing written)`;

export async function runMergeCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(MERGE_USAGE + '\n');
    return 0;
  }
  const parts: string[] = [];
  let out: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out' || arg.startsWith('--out=')) {
      out = arg === '--out' ? argv[++i] ?? '' : arg.slice('--out='.length);
      if (out === '') { process.stderr.write(`error: --out takes a folder\n${MERGE_USAGE}\n`); return 2; }
    } else if (arg.startsWith('-') && arg !== '-') {
      process.stderr.write(`error: unknown option ${arg}\n${MERGE_USAGE}\n`);
      return 2;
    } else parts.push(arg);
  }
  if (out === null) { process.stderr.write(`error: merge needs --out DIR (the merged report folder)\n${MERGE_USAGE}\n`); return 2; }
  try {
    const files = await mergeReports(parts, out);
    process.stdout.write(`merged ${parts.length} part${parts.length === 1 ? '' : 's'} → ${files.dir}\n  ${files.html}\n  ${files.json}\n  ${files.casesCsv}\n  ${files.slicesCsv}\n`);
    return 0;
  } catch (error) {
    if (error instanceof MergeError) {
      process.stderr.write(`error: ${error.message}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== 'string' || !code.startsWith('E')) throw error;
    process.stderr.write(`error: ${out}: cannot write the merged report there (${code}); choose another folder with --out\n`);
    return 1;
  }
}
