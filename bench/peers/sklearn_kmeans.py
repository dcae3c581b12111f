"""scikit-learn KMeans, the Python peer of bench/src/segment-clustering.ts.

Reads a row-major little-endian float64 matrix, fits KMeans with k-means++ starts, and prints
one JSON object: the fit time (loading excluded), iterations, peak memory and the labels.
"""

import argparse
import json
import resource
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matrix", required=True, help="path of the float64 matrix")
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--cols", type=int, required=True)
    parser.add_argument("--k", type=int, required=True)
    parser.add_argument("--seed", type=int, required=True)
    args = parser.parse_args()

    matrix = np.fromfile(args.matrix, dtype="<f8").reshape(args.rows, args.cols)
    start = time.perf_counter()
    model = KMeans(n_clusters=args.k, random_state=args.seed, n_init="auto").fit(matrix)
    fit_ms = (time.perf_counter() - start) * 1000
    # ru_maxrss is in KiB on Linux.
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(
        {
            "version": sklearn.__version__,
            "fitMs": fit_ms,
            "iterations": int(model.n_iter_),
            "peakRssMb": peak_rss_mb,
            "labels": model.labels_.tolist(),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
