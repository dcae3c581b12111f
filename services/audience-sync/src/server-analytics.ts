import { parseRequest, unary } from '@prism/grpc';
import type { AudienceServiceServer } from '@prism/proto/prism/audience/v1/audience';
import { dailySeries, windowOf } from './domain/audience-days.js';
import * as requests from './requests.js';
import { type AudienceServiceDeps, audienceIn } from './service-deps.js';

/**
 * An audience's size and who entered and exited, per UTC day: read from the days the committer
 * keeps as membership changes are committed, never recounted from the members.
 */
export function analyticsHandlers(
  deps: AudienceServiceDeps,
): Pick<AudienceServiceServer, 'getAudienceAnalytics'> {
  const { engine } = deps;
  return {
    getAudienceAnalytics: unary(async (call, request) => {
      const { audience, days } = parseRequest(requests.audienceAnalyticsRequest, request);
      const state = engine.space(call.spaceId);
      const doc = audienceIn(state, audience);
      const window = windowOf(engine.now(), days);
      const stored = await engine.deps.repos.days.window(call.spaceId, doc._id, window.from, window.to);
      return {
        size: state.live.get(doc._id)?.members.size ?? 0,
        days: dailySeries(window.dates, stored.days, stored.sizeBefore),
      };
    }),
  };
}
