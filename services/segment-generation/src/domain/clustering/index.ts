export { assignToClusters, type ClusterModel, clusterProfiles, type FittedClustering } from './cluster.js';
export { type ColumnWeights, type Layout, uniformWeights } from './layout.js';
export type { Prototypes } from './prototypes.js';
export { type ClusterOptions, MAX_K, MIN_K } from './settings.js';
export { silhouetteOfLabels } from './silhouette.js';
