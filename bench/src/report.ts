import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem, type } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** `reports/bench.json` at the repository root: `pnpm bench` runs with bench/ as its working directory. */
export const BENCH_REPORT_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../reports/bench.json');

const measured = { value: z.number(), unit: z.string() };
const figureSchema = z.object({
  ...measured,
  goal: z.number().optional(),
  /** What the figure compares against: a published figure or one measured in the same run. */
  peer: z.object({ name: z.string(), ...measured }).optional(),
});
export const benchReportSchema = z.object({
  date: z.string(),
  machine: z.string(),
  figures: z.record(z.string(), figureSchema),
});

export type Figure = z.infer<typeof figureSchema>;
/** Figures by stable name, `<benchmark>.<figure>` (e.g. `outbox.p50_ms`): what tracking across runs keys on. */
export type Figures = Record<string, Figure>;
export type BenchReport = z.infer<typeof benchReportSchema>;

/** CPU model and cores, memory, OS and Node: enough to tell whether two reports are comparable. */
export function describeMachine(): string {
  const cores = cpus();
  const memoryGiB = Math.round(totalmem() / 2 ** 30);
  return `${cores.length}× ${cores[0]?.model.trim() ?? 'cpu'}, ${memoryGiB} GiB, ${type()} ${release()}, Node ${process.version}`;
}

/**
 * Merges a run's figures into the report: figures of benchmarks this run skipped (BENCH_ONLY)
 * are kept, figures of the same name replaced (or removed, when this run got no value). A file
 * that does not parse is started over, with a warning, rather than losing the run's figures.
 * Written to a temporary file and renamed, so an interrupted run never leaves half a report. A
 * run that recorded no figure (a scaled-down run) leaves the report as it is: its date and
 * machine stay those of the runs its figures come from.
 */
export async function recordFigures(
  figures: Figures,
  { path = BENCH_REPORT_PATH, machine = describeMachine(), now = new Date() } = {},
): Promise<BenchReport | undefined> {
  if (Object.keys(figures).length === 0) return undefined;
  const merged = await previousFigures(path);
  for (const [name, figure] of Object.entries(figures)) {
    merged[name] = figure;
    // Unmeasured (NaN) would be written as null; the previous run's figure would be stale.
    const checked = figureSchema.safeParse(figure);
    if (checked.success) continue;
    console.warn(`bench report: ${name} left out (${z.prettifyError(checked.error)})`);
    delete merged[name];
  }
  const report: BenchReport = { date: now.toISOString(), machine, figures: merged };
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(report, null, 2)}\n`);
  await rename(partial, path);
  return report;
}

async function previousFigures(path: string): Promise<Figures> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return benchReportSchema.parse(JSON.parse(text)).figures;
  } catch (error) {
    const reason = error instanceof z.ZodError ? z.prettifyError(error) : (error as Error).message;
    console.warn(`bench report: ${path} is not a report, starting it over (${reason})`);
    return {};
  }
}
