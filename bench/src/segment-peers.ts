import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { FeatureMatrix } from '@prism/segment-generation/domain/model.js';
import { kmeans } from 'ml-kmeans';

/** A feature matrix as plain k-means sees it: numbers and flags as they are, categoricals one-hot (missing: all zero). */
export interface DenseMatrix {
  rows: number;
  cols: number;
  values: Float64Array;
}

export function denseMatrix(matrix: FeatureMatrix): DenseMatrix {
  const width = matrix.numericFeatures.length;
  const depth = matrix.categoricalFeatures.length;
  const offsets = [width];
  for (const feature of matrix.categoricalFeatures)
    offsets.push((offsets.at(-1) ?? 0) + feature.levels.length);
  const cols = offsets.at(-1) ?? width;
  const values = new Float64Array(matrix.rows * cols);
  for (let row = 0; row < matrix.rows; row++) {
    values.set(matrix.numeric.subarray(row * width, (row + 1) * width), row * cols);
    for (let j = 0; j < depth; j++) {
      const code = matrix.categorical[row * depth + j]!;
      if (code >= 0) values[row * cols + offsets[j]! + code] = 1;
    }
  }
  return { rows: matrix.rows, cols, values };
}

export interface PeerRun {
  labels: Int32Array;
  /** The clustering call alone, in this process or the peer's. */
  ms: number;
  note: string;
  /** The peer process's own peak, when it ran in one. */
  peakRssMb?: number;
}

export function runMlKmeans(dense: DenseMatrix, k: number, seed: number): PeerRun {
  const points = Array.from({ length: dense.rows }, (_, row) =>
    Array.from(dense.values.subarray(row * dense.cols, (row + 1) * dense.cols)),
  );
  const start = performance.now();
  const result = kmeans(points, k, { initialization: 'kmeans++', seed });
  const ms = performance.now() - start;
  return { labels: Int32Array.from(result.clusters), ms, note: `${result.iterations} iterations` };
}

const SKLEARN_VERSION = '1.9.1';
const VENV = join(homedir(), '.cache', 'prism', 'sklearn-venv');
const PEER_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'peers', 'sklearn_kmeans.py');

/** A Python that imports scikit-learn: python3 itself, or a venv under ~/.cache/prism made for it. */
export function sklearnPython(): { python: string } | { skipped: string } {
  if (imports('python3')) return { python: 'python3' };
  const venvPython = join(VENV, 'bin', 'python');
  if (!existsSync(venvPython)) {
    const made = spawnSync('python3', ['-m', 'venv', VENV], { encoding: 'utf8' });
    if (made.status !== 0)
      return { skipped: `python3 -m venv failed: ${(made.stderr || made.error?.message) ?? ''}`.trim() };
  }
  if (!imports(venvPython)) {
    console.log(`  installing scikit-learn ${SKLEARN_VERSION} into ${VENV}…`);
    const installed = spawnSync(
      venvPython,
      ['-m', 'pip', 'install', '--quiet', `scikit-learn==${SKLEARN_VERSION}`],
      {
        encoding: 'utf8',
      },
    );
    if (installed.status !== 0)
      return { skipped: `pip install scikit-learn failed: ${installed.stderr.trim().split('\n').at(-1)}` };
  }
  return imports(venvPython) ? { python: venvPython } : { skipped: 'scikit-learn still does not import' };
}

function imports(python: string): boolean {
  return spawnSync(python, ['-c', 'import sklearn, numpy'], { stdio: 'ignore' }).status === 0;
}

export function runSklearn(python: string, dense: DenseMatrix, k: number, seed: number): PeerRun {
  const dir = mkdtempSync(join(tmpdir(), 'prism-sklearn-'));
  try {
    const path = join(dir, 'matrix.f64');
    writeFileSync(
      path,
      new Uint8Array(dense.values.buffer, dense.values.byteOffset, dense.values.byteLength),
    );
    const args = [PEER_SCRIPT, '--matrix', path, '--rows', `${dense.rows}`, '--cols', `${dense.cols}`];
    const output = execFileSync(python, [...args, '--k', `${k}`, '--seed', `${seed}`], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    });
    const result = JSON.parse(output) as {
      version: string;
      fitMs: number;
      iterations: number;
      peakRssMb: number;
      labels: number[];
    };
    return {
      labels: Int32Array.from(result.labels),
      ms: result.fitMs,
      note: `scikit-learn ${result.version}, ${result.iterations} iterations`,
      peakRssMb: result.peakRssMb,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Pairwise Euclidean distances between the sampled rows of the dense matrix, for the classic silhouette. */
export function euclideanDistances(dense: DenseMatrix, rows: Int32Array): Float64Array {
  const size = rows.length;
  const distances = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    const a = rows[i]! * dense.cols;
    for (let j = i + 1; j < size; j++) {
      const b = rows[j]! * dense.cols;
      let sum = 0;
      for (let c = 0; c < dense.cols; c++) {
        const difference = dense.values[a + c]! - dense.values[b + c]!;
        sum += difference * difference;
      }
      distances[i * size + j] = distances[j * size + i] = Math.sqrt(sum);
    }
  }
  return distances;
}

/** Rousseeuw's silhouette of the sampled rows (labels indexed by row of the matrix) from their pairwise distances. */
export function euclideanSilhouette(
  distances: Float64Array,
  rows: Int32Array,
  labels: Int32Array,
  k: number,
): number {
  const size = rows.length;
  const sampleLabels = Array.from(rows, (row) => labels[row]!);
  const sizes = new Float64Array(k);
  for (const label of sampleLabels) sizes[label]!++;
  let total = 0;
  for (let i = 0; i < size; i++) {
    const sums = new Float64Array(k);
    for (let j = 0; j < size; j++) sums[sampleLabels[j]!]! += distances[i * size + j]!;
    const own = sampleLabels[i]!;
    if (sizes[own]! <= 1) continue;
    const within = sums[own]! / (sizes[own]! - 1);
    let between = Number.POSITIVE_INFINITY;
    for (let c = 0; c < k; c++)
      if (c !== own && sizes[c]! > 0) between = Math.min(between, sums[c]! / sizes[c]!);
    if (Number.isFinite(between)) total += (between - within) / Math.max(within, between, Number.MIN_VALUE);
  }
  return total / size;
}
