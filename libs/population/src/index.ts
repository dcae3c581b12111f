/**
 * A seeded synthetic population with planted segments: people with traits, identifiers and
 * shopping histories, drawn from known segments so clustering can be scored against the truth.
 *
 * Main entry points: `generatePopulation` (deterministic per seed), `messagesOf` (a person as
 * Segment-spec tracking messages to ingest), `segmentSpecTraitsOf` (a person's traits as Segment's
 * SDKs send them: reserved traits, nested `address` and `company`, some missing),
 * `PLANTED_SEGMENTS` / `plantedSegment`, and `groundTruth` / `adjustedRandIndex` to score a
 * clustering.
 *
 * @module
 */
export { adjustedRandIndex, groundTruth } from './ground-truth.js';
export { type MessageOptions, messagesOf, type SegmentMessage } from './messages.js';
export { generatePopulation, type Person, type PopulationOptions } from './population.js';
export { Random } from './random.js';
export { ADDRESS_MISSING_RATES, type SegmentSpecOptions, segmentSpecTraitsOf } from './segment-spec.js';
export { PLANTED_SEGMENTS, type PlantedSegment, plantedSegment, type SegmentId } from './segments.js';
