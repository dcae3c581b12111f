/**
 * Fuzzing with fast-check, shared by the services' fuzz tests: every gRPC method of a proto
 * package with arbitrary requests (`fuzzGrpcPackage`), the arbitraries behind it for other
 * surfaces (`awkwardText`), and the input count each surface prints (`FuzzTally`, `fuzzRuns`).
 *
 * @module
 */
export { FuzzTally, fuzzRuns } from './fuzz-runs.js';
export { fuzzGrpcPackage, type GrpcFuzzTarget } from './grpc-fuzz.js';
export { grpcMethodsOf } from './grpc-surface.js';
export { awkwardText } from './proto-values.js';
