/**
 * The one option table of both CLI commands (`compare`, `report`): each option's flag, value,
 * help line, which commands take it and how its text is checked. Parsing is Node's
 * util.parseArgs (strict), so `--flag value`, `--flag=value`, `--` and unknown-option errors
 * behave the same everywhere; the usage text is generated from the same table.
 */
import { parseArgs } from 'node:util';
import { FOLDER_PAIRING_OPTIONS } from './core/analysis/folderPairing';
import { DEFAULT_MAX_VOXELS } from './core/io/volume';
import { DEFAULT_METRIC_PARAMS, METRICS_LEVELS, type Connectivity } from './core/kernels/metricIds';
import { PREDICTION_KIND_OPTIONS } from './core/predictionKinds';
import { parseLabelNamesArg } from './core/io/labelNames';
import { parseShard, type Shard } from './core/report/shard';
import { CONVENTIONS } from './core/kernels/conventions/conventionIds';

export type CliCommand = 'compare' | 'report' | 'merge';

/** A bad command line: exit 2 with the command's usage. */
export class UsageError extends Error {}

interface OptionDef<T> {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  /** Placeholder of the value in the usage text (string options). */
  readonly arg?: string;
  readonly help: string;
  /** What the usage error says when the value is missing (default "takes a value"). */
  readonly missing?: string;
  readonly commands: readonly CliCommand[];
  /** Repeatable: the value is the list of every occurrence, each checked by `parse`. */
  readonly multiple?: boolean;
  /** Checks and converts the text (string options); throws UsageError. */
  readonly parse: (text: string, flag: string) => T;
}

const def = <T>(d: OptionDef<T>): OptionDef<T> => d;

function oneOf<T extends string>(allowed: readonly T[]): (text: string, flag: string) => T {
  return (text, flag) => {
    if (!(allowed as readonly string[]).includes(text)) throw new UsageError(`${flag} takes one of ${allowed.join(', ')} (got "${text}")`);
    return text as T;
  };
}

function positiveInteger(text: string, flag: string): number {
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} takes a positive whole number (got "${text}")`);
  return n;
}

function numberWhere(ok: (n: number) => boolean, what: string): (text: string, flag: string) => number {
  return (text, flag) => {
    const n = text.trim() === '' ? NaN : Number(text);
    if (!ok(n)) throw new UsageError(`${flag} takes ${what} (got "${text}")`);
    return n;
  };
}

const both: readonly CliCommand[] = ['compare', 'report'];
const flagOnly = () => true as const;

export const CLI_OPTIONS = {
  versus: def({ type: 'string', arg: 'PRED_B', commands: both, missing: 'takes a second prediction file (report: a folder)',
    parse: (text: string, flag: string) => { if (text === '') throw new UsageError(`${flag} takes a second prediction (file, or folder for report)`); return text; },
    help: 'a second model\'s prediction of the same label (report: a folder of them): A, B and Δ = B − A (compare JSON adds `versus` and `difference`; report adds paired statistics); docs/versus.md' }),
  shard: def({ type: 'string', arg: 'I/N', commands: ['report'],
    parse: (text: string): Shard => { const shard = parseShard(text); if (typeof shard === 'string') throw new UsageError(shard); return shard; },
    help: 'compute only part I (0-based) of N of the sorted cases: a partial report; `mask-inspector merge` joins the parts (docs/scale-out.md)' }),
  pairing: def({ type: 'string', arg: FOLDER_PAIRING_OPTIONS.join('|'), commands: ['report'], parse: oneOf(FOLDER_PAIRING_OPTIONS),
    help: 'how files are paired (default auto: the mode pairing the most)' }),
  out: def({ type: 'string', arg: 'DIR', commands: ['report', 'merge'], missing: 'takes a folder',
    parse: (text: string, flag: string) => { if (text === '') throw new UsageError(`${flag} takes a folder`); return text; },
    help: 'report folder (report default: PRED_DIR/../mask-inspector-report-<PRED_DIR name>; merge: required)' }),
  kind: def({ type: 'string', arg: PREDICTION_KIND_OPTIONS.join('|'), commands: both, parse: oneOf(PREDICTION_KIND_OPTIONS),
    help: 'how to read the prediction (default auto)' }),
  axis: def({ type: 'string', arg: 'i|j|k', commands: both, parse: oneOf(['i', 'j', 'k'] as const), help: 'slice axis (default k)' }),
  format: def({ type: 'string', arg: 'table|json|csv', commands: ['compare'], parse: oneOf(['table', 'json', 'csv'] as const),
    help: 'output (default table)' }),
  metrics: def({ type: 'string', arg: METRICS_LEVELS.join('|'), commands: both, parse: oneOf(METRICS_LEVELS),
    help: 'evaluation metrics: overlap, surface distances (mm) and lesions; overlap only; or none (default all)' }),
  threshold: def({ type: 'string', arg: 'P', commands: both, parse: numberWhere((n) => n > 0 && n <= 1, 'a probability in (0, 1]'),
    help: `predicted where probability ≥ P, in (0, 1] (default ${DEFAULT_METRIC_PARAMS.threshold})` }),
  'tolerance-mm': def({ type: 'string', arg: 'T', commands: both, parse: numberWhere((n) => n >= 0 && Number.isFinite(n), 'a distance in mm ≥ 0'),
    help: `surface Dice tolerance in mm (default ${DEFAULT_METRIC_PARAMS.toleranceMm})` }),
  connectivity: def({ type: 'string', arg: '6|18|26', commands: both,
    parse: (text: string, flag: string) => Number(oneOf(['6', '18', '26'] as const)(text, flag)) as Connectivity,
    help: `lesion neighbourhood in 3D; 2D: 4, 8, 8 (default ${DEFAULT_METRIC_PARAMS.connectivity})` }),
  jobs: def({ type: 'string', arg: 'N', commands: both, parse: positiveInteger,
    help: 'worker threads (default and most: the CPU count, memory permitting)' }),
  'max-voxels': def({ type: 'string', arg: 'N', commands: both, parse: positiveInteger,
    help: `refuse files declaring more voxels (default ${DEFAULT_MAX_VOXELS})` }),
  'npz-array': def({ type: 'string', arg: 'NAME', commands: ['compare'],
    parse: (text: string, flag: string) => { if (text === '') throw new UsageError(`${flag} takes the name of an array in the .npz`); return text; },
    help: 'the array of an .npz to read (default: its first)' }),
  'label-names': def({ type: 'string', arg: '1=liver,2=tumour', commands: both,
    parse: (text: string, flag: string) => {
      const names = parseLabelNamesArg(text);
      if (names === null) throw new UsageError(`${flag} takes names like 1=liver,2=tumour`);
      return names;
    },
    help: "names of label values (a .seg.nrrd's own names and an nnU-Net dataset.json beside/above the labels come first)" }),
  conventions: def({ type: 'string', arg: 'LIST', commands: both, missing: 'takes a list such as seed,monai',
    parse: (text: string, flag: string) => { if (text === '') throw new UsageError(`${flag} takes a list such as seed,monai`); return text; },
    help: `losses of: ${CONVENTIONS.join(', ')} or all, comma-separated (default seed); see docs/conventions.md` }),
  param: def({ type: 'string', arg: 'KEY=VALUE', commands: both, multiple: true, missing: 'takes KEY=VALUE',
    parse: (text: string) => text,
    help: 'a library loss parameter, repeatable, e.g. --param monai.dice.smoothNr=0 --param smp.version=0.3.4' }),
  help: def({ type: 'boolean', short: 'h', commands: ['compare', 'report', 'merge'], parse: flagOnly, help: 'this text' }),
  version: def({ type: 'boolean', commands: ['compare'], parse: flagOnly, help: 'print the version' }),
} as const;

export type CliOptionName = keyof typeof CLI_OPTIONS;
/** The parsed values; a repeatable option (`multiple`) gives the list of its occurrences. */
export type CliValues = { -readonly [K in Exclude<CliOptionName, 'param'>]?: ReturnType<(typeof CLI_OPTIONS)[K]['parse']> }
  & { param?: string[] };

function namesOf(command: CliCommand): CliOptionName[] {
  return (Object.keys(CLI_OPTIONS) as CliOptionName[]).filter((name) => (CLI_OPTIONS[name].commands as readonly CliCommand[]).includes(command));
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) { lines.push(line); line = word; } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line];
}

/** The `options:` block of a command's usage text. */
export function optionsUsage(command: CliCommand): string {
  const rows = namesOf(command).map((name) => {
    const o: OptionDef<unknown> = CLI_OPTIONS[name];
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.arg ? ` ${o.arg}` : ''}`;
    return `  ${flag.padEnd(40)}${wrap(o.help, 100 - 42).join(`\n${' '.repeat(42)}`)}`;
  });
  return `options:\n${rows.join('\n')}`;
}

function missingText(name: string): string {
  const o: OptionDef<unknown> | undefined = (CLI_OPTIONS as Record<string, OptionDef<unknown>>)[name];
  return o?.type === 'boolean' ? 'takes no value' : o?.missing ?? 'takes a value';
}

/** Parses a command's arguments; throws UsageError for anything the table does not allow. */
export function parseCommandLine(command: CliCommand, argv: readonly string[]): { values: CliValues; positionals: string[] } {
  const names = namesOf(command);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const name of names) {
    const o: OptionDef<unknown> = CLI_OPTIONS[name];
    config[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  // A negative number after a string option is its value (parseArgs would call it ambiguous),
  // so `--tolerance-mm -1` is refused by the option's own check, naming the option.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!, next = argv[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : '';
    if (next !== undefined && /^-[\d.]/.test(next) && (names as string[]).includes(name) && CLI_OPTIONS[name as CliOptionName].type === 'string') {
      args.push(`${arg}=${next}`);
      i++;
    } else args.push(arg);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: config, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs' messages quote the option ("Unknown option '--x'", "Option '--kind <value>' argument missing").
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(?:-\w, )?(--?[^' ]+)/.exec(message)?.[1] ?? '';
    const code = (error as { code?: unknown }).code;
    throw new UsageError(code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? `unknown option ${flag}`
      : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ? `${flag} ${missingText(flag.replace(/^-+/, ''))}`
      : message.split('\n')[0]!);
  }
  const values: Record<string, unknown> = {};
  for (const name of names) {
    const raw = parsed.values[name];
    if (raw === undefined) continue;
    const o: OptionDef<unknown> = CLI_OPTIONS[name];
    values[name] = o.type === 'boolean' ? true
      : o.multiple ? (raw as string[]).map((text) => o.parse(text, `--${name}`))
      : o.parse(String(raw), `--${name}`);
  }
  return { values: values as CliValues, positionals: parsed.positionals };
}
