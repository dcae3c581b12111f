export { type DescribeInput, describeSegments } from './describe.js';
export {
  type DescribedBy,
  type LanguageModelConfig,
  type PolishedDescriptions,
  polishDescriptions,
} from './language-model.js';
export { type RankedPainPoint, rankPainPoints } from './pain-points.js';
