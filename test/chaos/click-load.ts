import { type ServiceError, status } from '@grpc/grpc-js';
import fc from 'fast-check';
import {
  type CampaignClient,
  describeStep,
  getCampaign,
  prepareCampaign,
  runStep,
} from '../convergence/clicks.js';
import { type Scenario, scenarioArb } from '../convergence/scenario.js';
import type { World } from '../convergence/world.js';

/**
 * The step-3 side of the load: the convergence test's random scenarios (approach and strategy
 * switches with expected epochs, persona selections, segment generations, stale epochs), one
 * group of racing clicks after another, for as long as the run lasts. A click refused because a
 * service or server is down is counted; the client reloads the campaign, as a frontend would.
 */

const RELOAD_RETRY_MS = 200;
/** As long as a frontend waits for a click's answer: a click still unanswered then is a finding. */
const ANSWER_WITHIN_MS = 30_000;

export interface ClickFigures {
  clicks: number;
  /** Outcomes by kind: OK, an expected rejection (ABORTED…) or the gRPC code of a refusal. */
  outcomes: Record<string, number>;
  /** The details of INTERNAL answers (a handler's error or the transport's, while a process died). */
  internal: string[];
  /** Clicks with no answer within ANSWER_WITHIN_MS: what they were. */
  unanswered: string[];
}

export class ClickLoad {
  campaigns: CampaignClient[] = [];
  /** Failures that are no gRPC status: a service answered, but not what it must. */
  readonly wrongAnswers: string[] = [];
  private clicks = 0;
  private readonly outcomes: Record<string, number> = {};
  private readonly internal: string[] = [];
  private readonly unanswered: string[] = [];
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly scenarios: Scenario[];

  constructor(
    private readonly world: World,
    seed: number,
  ) {
    this.scenarios = fc.sample(scenarioArb, { seed, numRuns: 50 });
  }

  /** The campaigns at the first scenario's starts, before any fault. */
  async prepare(): Promise<void> {
    for (const start of this.scenarios[0]?.starts ?? [])
      this.campaigns.push(await prepareCampaign(this.world, start));
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  figures(): ClickFigures {
    return {
      clicks: this.clicks,
      outcomes: { ...this.outcomes },
      internal: [...this.internal],
      unanswered: [...this.unanswered],
    };
  }

  private async run(): Promise<void> {
    for (let i = 0; this.running; i++) {
      const { groups } = this.scenarios[i % this.scenarios.length] as Scenario;
      for (const group of groups) {
        if (!this.running) return;
        await Promise.all(
          group.steps.map((step) =>
            this.click(() => runStep(this.world, step, this.campaigns), step.campaign, describeStep(step)),
          ),
        );
      }
    }
  }

  private async click(step: () => Promise<string>, campaign: number, what: string): Promise<void> {
    this.clicks++;
    let timer: NodeJS.Timeout | undefined;
    const unanswered = new Promise<'unanswered'>((resolve) => {
      timer = setTimeout(() => resolve('unanswered'), ANSWER_WITHIN_MS);
    });
    try {
      const answer = await Promise.race([step(), unanswered]);
      if (answer === 'unanswered') {
        this.count('UNANSWERED');
        this.unanswered.push(`${what} at ${new Date(Date.now() - ANSWER_WITHIN_MS).toISOString()}`);
        return;
      }
      this.count(answer.split(' ')[0] ?? 'OK');
    } catch (error) {
      const code = (error as Partial<ServiceError>).code;
      if (code === undefined) {
        this.wrongAnswers.push(String((error as Error).stack ?? error));
        return;
      }
      this.count(status[code] ?? String(code));
      if (code === status.INTERNAL) this.internal.push((error as ServiceError).details);
      await this.reload(campaign);
    } finally {
      clearTimeout(timer);
    }
  }

  private count(outcome: string): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  /** What the frontend shows after a failed click: the campaign as the strategy service has it now. */
  private async reload(index: number): Promise<void> {
    const client = this.campaigns[index];
    while (client && this.running) {
      try {
        const { strategyId, approach, epoch } = await getCampaign(this.world, client.id);
        client.known = { strategyId, approach, epoch };
        return;
      } catch {
        await new Promise((done) => setTimeout(done, RELOAD_RETRY_MS));
      }
    }
  }
}
