import type { Metadata } from '@grpc/grpc-js';
import { callUnary, channelCredentialsFromEnv } from '@prism/grpc';
import {
  type GenerateSegmentsResponse,
  generationStageToJSON,
  SegmentGenerationServiceClient,
} from '@prism/proto/prism/segments/v1/segments';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';
import { contextSummary, segmentsTable } from './render.js';

/**
 * `prism segments generate|list`: the operator's view of a campaign's AI segments, registered on
 * the `prism` program, which owns the API key (`metadata` carries it) and reports errors.
 */
export function registerSegmentCommands(program: Command, metadata: () => Metadata): void {
  program
    .option(
      '--segments <host:port>',
      'segment-generation service',
      process.env.PRISM_SEGMENTS_ADDR ?? '127.0.0.1:50053',
    )
    .option(
      '--strategy <host:port>',
      'strategy service',
      process.env.PRISM_STRATEGY_ADDR ?? '127.0.0.1:50051',
    );

  const segments = program.command('segments').description("a campaign's AI-generated segments");
  const clients = () => {
    const { segments: segmentsAddress, strategy } = program.opts();
    return {
      metadata: metadata(),
      segmentsClient: new SegmentGenerationServiceClient(segmentsAddress, channelCredentialsFromEnv()),
      strategyClient: new StrategyServiceClient(strategy, channelCredentialsFromEnv()),
    };
  };

  segments
    .command('generate')
    .description('generate (or regenerate, replacing all) the segments of a campaign targeting AI segments')
    .requiredOption('--campaign <id>', 'campaign id')
    .option('--context <text>', 'targeting context, e.g. "focus on Europe, ages 25-40, runners"', '')
    .option('--count <n>', 'number of segments, 2–10 (default: chosen in 3–5)', integer, 0)
    .option('--seed <n>', 'clustering seed', integer, 1)
    .option('--epoch <n>', "the campaign's epoch (default: read from the strategy service)", integer)
    .action(async (options) => {
      const { metadata, segmentsClient, strategyClient } = clients();
      const epoch = options.epoch ?? (await currentEpoch(strategyClient, metadata, options.campaign));
      const bar = new SingleBar({ format: '{bar} {percentage}% | {stage} {detail}', hideCursor: true });
      bar.start(100, 0, { stage: 'starting', detail: '' });
      const request = {
        campaignId: options.campaign,
        expectedEpoch: epoch,
        context: options.context,
        segmentCount: options.count,
        seed: options.seed,
      };
      try {
        const stream: AsyncIterable<GenerateSegmentsResponse> = segmentsClient.generateSegments(
          request,
          metadata,
        );
        for await (const message of stream) {
          const update = message.update;
          if (update?.$case === 'progress') {
            const stage = generationStageToJSON(update.value.stage)
              .replace('GENERATION_STAGE_', '')
              .toLowerCase();
            bar.update(update.value.percent, { stage, detail: update.value.detail });
          } else if (update?.$case === 'result') {
            bar.update(100, { stage: 'done', detail: '' });
            bar.stop();
            if (update.value.segments) console.log(segmentsTable(update.value.segments));
            const summary = contextSummary(update.value.context);
            if (summary) console.log(summary);
            const quality = update.value.quality;
            if (quality) {
              const tried = quality.candidates
                .map((c) => `k=${c.segmentCount}: ${c.silhouette.toFixed(3)}`)
                .join(', ');
              console.log(`silhouette ${quality.silhouette.toFixed(3)} (${tried}); seed ${quality.seed}`);
            }
          }
        }
      } finally {
        bar.stop();
        segmentsClient.close();
        strategyClient.close();
      }
    });

  segments
    .command('list')
    .description("the campaign's current segments")
    .requiredOption('--campaign <id>', 'campaign id')
    .action(async (options) => {
      const { metadata, segmentsClient, strategyClient } = clients();
      try {
        const { segments: current } = await callUnary(
          segmentsClient,
          segmentsClient.listCampaignSegments,
          metadata,
          { campaignId: options.campaign },
        );
        console.log(current?.segments.length ? segmentsTable(current) : 'no segments: generate them first');
      } finally {
        segmentsClient.close();
        strategyClient.close();
      }
    });
}

async function currentEpoch(client: StrategyServiceClient, metadata: Metadata, campaignId: string) {
  const { campaign } = await callUnary(client, client.getCampaign, metadata, { campaignId });
  return campaign?.epoch ?? 0;
}

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('expected a whole number');
  return parsed;
}
