import { performance } from 'node:perf_hooks';
import { adjustedRandIndex } from '@prism/population';
import { clusterProfiles, silhouetteOfLabels } from '@prism/segment-generation/domain/clustering/index.js';
import { STREAMS, sampleRows, seededRandom } from '@prism/segment-generation/domain/clustering/sampling.js';
import { buildFeatures, type FeatureSpace } from '@prism/segment-generation/domain/features/index.js';
import { generateSegments } from '@prism/segment-generation/domain/generate.js';
import type { AudienceProfile } from '@prism/segment-generation/domain/model.js';
import { plantedAudience } from '@prism/segment-generation/testing/planted.js';
import type { Figures } from './report.js';
import {
  type DenseMatrix,
  denseMatrix,
  euclideanDistances,
  euclideanSilhouette,
  type PeerRun,
  runMlKmeans,
  runSklearn,
  sklearnPython,
} from './segment-peers.js';
import { memory, peakRssMb } from './stats.js';

const SIZES = [10_000, 100_000];
const SEED = 1;
const SILHOUETTE_SAMPLE = 2_000;

/** A run with the memory in use right after it. */
interface Measured extends PeerRun {
  memoryNote: string;
}

interface Row {
  method: string;
  k: number;
  run: Measured;
}

/**
 * Segment generation's clustering on the planted audience (four segments) beside ml-kmeans and
 * scikit-learn's KMeans on the same features (categoricals one-hot): runtime, agreement with
 * the planted truth, and the silhouette of every labelling on the same rows under both our
 * mixed dissimilarity and plain Euclidean distance, so neither side is judged by its own yardstick.
 */
export async function benchSegmentClustering(): Promise<Figures> {
  const largest = Math.max(...SIZES);
  const figures: Figures = {};
  console.log(
    `Segment clustering: planted audience, ${largest.toLocaleString('en')} profiles generated once…`,
  );
  const audience = plantedAudience({ seed: 7, size: largest });
  const peer = sklearnPython();
  if ('skipped' in peer) console.log(`  scikit-learn peer skipped: ${peer.skipped}`);
  for (const size of SIZES) {
    // The generator draws person by person, so the first n of a population are the population of n.
    const profiles = audience.profiles.slice(0, size);
    const truth = audience.truth.slice(0, size);
    let start = performance.now();
    const space = buildFeatures(profiles);
    const featuresMs = performance.now() - start;
    start = performance.now();
    const dense = denseMatrix(space.matrix);
    const denseMs = performance.now() - start;
    console.log(
      `\n  ${size.toLocaleString('en')} profiles: features ${featuresMs.toFixed(0)} ms ` +
        `(${space.matrix.numericFeatures.length} numeric/flag + ${space.matrix.categoricalFeatures.length} categorical; ` +
        `one-hot ${dense.cols} columns in ${denseMs.toFixed(0)} ms)`,
    );
    const rows: Row[] = [];
    const auto = timed(() => clusterProfiles(space.matrix, { seed: SEED, weights: space.weights }));
    rows.push({ method: 'ours, k-prototypes, k by silhouette 3–5', k: auto.result.k, run: ours(auto) });
    const k = auto.result.k;
    const given = timed(() => clusterProfiles(space.matrix, { seed: SEED, k, weights: space.weights }));
    rows.push({ method: `ours, k-prototypes, k = ${k} given`, k, run: ours(given) });
    rows.push({ method: 'ml-kmeans 7.0.1, k-means++', k, run: withMemory(runMlKmeans(dense, k, SEED)) });
    if ('python' in peer)
      rows.push({
        method: 'scikit-learn KMeans',
        k,
        run: withMemory(runSklearn(peer.python, dense, k, SEED)),
      });
    const aris = printRows(rows, space, dense, truth);
    const peerRow = rows.length - 1; // scikit-learn when it ran, else ml-kmeans
    figures[`segments.ari_${thousands(size)}`] = {
      value: aris[0]!,
      unit: 'ARI',
      peer: { name: rows[peerRow]!.method, value: aris[peerRow]!, unit: 'ARI' },
    };
  }
  figures[`segments.generation_${thousands(largest)}_ms`] = {
    value: await wholeGeneration(audience.profiles),
    unit: 'ms',
    goal: TARGET_MS,
  };
  console.log(`\n  node peak RSS ${peakRssMb().toFixed(0)} MB\n`);
  return figures;
}

const thousands = (count: number) => `${count / 1000}k`;

const TARGET_MS = 3_000;

/** The issue's target is profiles → segments: every stage of a generation, not the clustering alone. */
async function wholeGeneration(profiles: readonly AudienceProfile[]): Promise<number> {
  const stages: string[] = [];
  let last = performance.now();
  const start = last;
  const generation = await generateSegments(
    {
      profiles,
      brief: { products: [], painPoints: ['no time to train consistently', 'worried about overspending'] },
      declared: { ageRanges: [], genders: [], locations: [], interests: [], behaviours: [] },
      context: '',
      seed: SEED,
    },
    (stage, fraction) => {
      if (fraction < 1 || stages.at(-1)?.startsWith(stage.toLowerCase())) return;
      const now = performance.now();
      stages.push(`${stage.toLowerCase()} ${(now - last).toFixed(0)} ms`);
      last = now;
    },
  );
  const total = performance.now() - start;
  const verdict = total <= TARGET_MS ? 'reached' : 'NOT reached';
  console.log(
    `\n  whole generation, ${profiles.length.toLocaleString('en')} profiles → ${generation.segments.length} described segments with rules: ` +
      `${total.toFixed(0)} ms (${stages.join(', ')}); target ≤ ${TARGET_MS} ms ${verdict}`,
  );
  return total;
}

function timed<T>(work: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

function ours({ result, ms }: { result: ReturnType<typeof clusterProfiles>; ms: number }): Measured {
  return withMemory({
    labels: result.labels,
    ms,
    note: `fitted on ${result.fitSampleSize.toLocaleString('en')} rows`,
  });
}

function withMemory(run: PeerRun): Measured {
  const { rssMb, heapMb } = memory();
  const child = run.peakRssMb === undefined ? '' : `, its process peak ${run.peakRssMb.toFixed(0)} MB`;
  return { ...run, memoryNote: `node RSS ${rssMb.toFixed(0)} MB, heap ${heapMb.toFixed(0)} MB${child}` };
}

/** Prints the rows' agreement with the truth and silhouettes; returns each row's ARI. */
function printRows(rows: Row[], space: FeatureSpace, dense: DenseMatrix, truth: readonly string[]): number[] {
  const sample = sampleRows(dense.rows, SILHOUETTE_SAMPLE, seededRandom(SEED, STREAMS.silhouetteSample));
  const distances = euclideanDistances(dense, sample);
  const truthById = new Map(truth.map((segment, row) => [String(row), segment]));
  console.log(
    `    ${'method'.padEnd(42)} ${'k'.padStart(2)} ${'time'.padStart(10)} ${'ARI'.padStart(6)}` +
      ` ${'sil mixed'.padStart(9)} ${'sil eucl'.padStart(9)}   memory after / notes`,
  );
  return rows.map(({ method, k, run }) => {
    const ari = adjustedRandIndex(
      truthById,
      new Map(Array.from(run.labels, (label, row) => [String(row), label])),
    );
    const mixed = silhouetteOfLabels(space.matrix, run.labels, k, {
      seed: SEED,
      sampleSize: SILHOUETTE_SAMPLE,
      weights: space.weights,
    });
    const euclidean = euclideanSilhouette(distances, sample, run.labels, k);
    console.log(
      `    ${method.padEnd(42)} ${String(k).padStart(2)} ${`${run.ms.toFixed(0)} ms`.padStart(10)} ${ari.toFixed(3).padStart(6)}` +
        ` ${mixed.toFixed(3).padStart(9)} ${euclidean.toFixed(3).padStart(9)}   ${run.memoryNote}; ${run.note}`,
    );
    return ari;
  });
}
