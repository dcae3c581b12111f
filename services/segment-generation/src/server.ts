import { campaignAt } from '@prism/campaign';
import { NotFound } from '@prism/errors';
import { type CallContext, parseRequest, serverStream, unary } from '@prism/grpc';
import type {
  GenerateSegmentsResponse,
  SegmentGenerationServiceServer,
} from '@prism/proto/prism/segments/v1/segments';
import { type GenerationJobDeps, runGeneration } from './generation/generation-job.js';
import type { Progress } from './generation/stages.js';
import {
  campaignSegmentsToProto,
  generationResultToProto,
  progressToProto,
  segmentToProto,
} from './mapping.js';
import * as requests from './requests.js';

/** gRPC handlers: validate → run the job or read → map errors (by the shared server wrappers). */
export function segmentGenerationService(deps: GenerationJobDeps): SegmentGenerationServiceServer {
  const { campaignSegments, segmentRefs, campaignStates } = deps.repos;

  async function requireCampaign(call: CallContext, campaignId: string): Promise<void> {
    if (!(await campaignAt(campaignStates, deps.strategy, call, campaignId, 1))) {
      throw new NotFound('campaign', campaignId);
    }
  }

  return {
    generateSegments: serverStream(async (call, request, send) => {
      const parsed = parseRequest(requests.generateSegmentsRequest, request);
      const progress = progressStream(send);
      const outcome = await runGeneration(deps, call, parsed, progress.report);
      await progress.flushed();
      const result = generationResultToProto(parsed.campaignId, outcome);
      await send({ update: { $case: 'result', value: result } });
    }),

    listCampaignSegments: unary(async (call, request) => {
      const { campaignId } = parseRequest(requests.listCampaignSegmentsRequest, request);
      const current = await campaignSegments.find(call.spaceId, campaignId);
      if (!current) await requireCampaign(call, campaignId);
      return { segments: campaignSegmentsToProto(campaignId, current ?? undefined) };
    }),

    getSegment: unary(async (call, request) => {
      const { segmentId } = parseRequest(requests.getSegmentRequest, request);
      const ref = await segmentRefs.findOne({ _id: segmentId, spaceId: call.spaceId });
      const current = ref && (await campaignSegments.find(call.spaceId, ref.campaignId));
      // A ref of a replaced (or never stored) generation no longer names a segment.
      const segment =
        current?.generationId === ref?.generationId
          ? current?.segments.find((candidate) => candidate.id === segmentId)
          : undefined;
      if (!ref || !current || !segment) throw new NotFound('segment', segmentId);
      return {
        campaignId: ref.campaignId,
        generationId: current.generationId,
        epoch: current.epoch,
        segment: segmentToProto(segment),
      };
    }),
  };
}

/**
 * Progress reports arrive synchronously from the job; they are sent in order, one at a time, and
 * a report is skipped while an identical percentage is still the last one sent.
 */
function progressStream(send: (message: GenerateSegmentsResponse) => Promise<void>) {
  let sending = Promise.resolve();
  let lastPercent = -1;
  return {
    report(progress: Progress) {
      if (progress.percent === lastPercent) return;
      lastPercent = progress.percent;
      const message = { update: { $case: 'progress' as const, value: progressToProto(progress) } };
      sending = sending.then(() => send(message));
    },
    flushed: () => sending,
  };
}
