import { z } from 'zod';
import type { SegmentDescription, StrategyBrief } from '../model.js';

/** An OpenAI-compatible chat completions endpoint. */
export interface LanguageModelConfig {
  /** Up to the version, e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Default 20 s. */
  timeoutMs?: number;
}

export type DescribedBy = 'statistical' | 'language_model';

export interface PolishedDescriptions {
  descriptions: SegmentDescription[];
  describedBy: DescribedBy;
  /** Why the statistical descriptions were kept, for the logs; absent when the model's were used. */
  fallbackReason?: string;
}

const DEFAULT_TIMEOUT_MS = 20_000;

const completionSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1),
});

const copySchema = z.object({
  segments: z.array(
    z.object({
      index: z.number().int().min(0),
      name: z.string().trim().min(1).max(80),
      demographicProfile: z.string().trim().min(1).max(600),
      geographicFocus: z.string().trim().min(1).max(600),
      interestsAndBehaviours: z.array(z.string().trim().min(1).max(200)).min(1).max(12),
    }),
  ),
});
type Copy = z.infer<typeof copySchema>['segments'][number];

const INSTRUCTIONS = `You polish audience segment cards for marketers. For each segment, write a short
distinctive name (at most 6 words) and clearer copy for demographicProfile, geographicFocus and
interestsAndBehaviours. Use only the facts and figures given; do not add numbers that are not given.
Names must differ between segments. Answer with JSON only, shaped as
{"segments":[{"index":0,"name":"…","demographicProfile":"…","geographicFocus":"…","interestsAndBehaviours":["…"]}]}
with one entry per segment index.`;

/**
 * Asks a language model to rewrite the names and copy of statistical descriptions. Pain points,
 * contrasts and sizes stay as computed. Any failure (no model configured, HTTP error, timeout,
 * malformed or incomplete answer, duplicate names, figures not in the input) keeps the
 * statistical descriptions, and says so.
 */
export async function polishDescriptions(
  descriptions: readonly SegmentDescription[],
  brief: StrategyBrief,
  config: LanguageModelConfig | undefined,
): Promise<PolishedDescriptions> {
  const statistical = (fallbackReason: string): PolishedDescriptions => ({
    descriptions: [...descriptions],
    describedBy: 'statistical',
    fallbackReason,
  });
  if (!config) return statistical('no language model configured');
  if (descriptions.length === 0) return statistical('no segments to describe');
  try {
    const copies = await requestCopy(descriptions, brief, config);
    const problem = problemWith(copies, promptOf(descriptions, brief).segments);
    if (problem) return statistical(problem);
    const byIndex = new Map(copies.map((copy) => [copy.index, copy]));
    return {
      descriptions: descriptions.map((description, index) => withCopy(description, byIndex.get(index))),
      describedBy: 'language_model',
    };
  } catch (error) {
    return statistical(`language model failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function requestCopy(
  descriptions: readonly SegmentDescription[],
  brief: StrategyBrief,
  config: LanguageModelConfig,
): Promise<Copy[]> {
  const response = await fetch(`${config.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
    },
    body: JSON.stringify({
      model: config.model,
      temperature: 0,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: JSON.stringify(promptOf(descriptions, brief)) },
      ],
    }),
    signal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  const completion = completionSchema.parse(await response.json());
  const content = completion.choices[0]?.message.content ?? '';
  return copySchema.parse(JSON.parse(withoutFence(content))).segments;
}

/** The descriptions as the model reads them: shares in percent, figures rounded as the copy states them. */
function promptOf(descriptions: readonly SegmentDescription[], brief: StrategyBrief) {
  return {
    products: brief.products,
    segments: descriptions.map(({ painPoints: _, contrasts, ...description }, index) => ({
      index,
      ...description,
      share: rounded(description.share * 100),
      contrasts: contrasts.map((contrast) => ({
        ...contrast,
        inSegment: rounded(contrast.value === undefined ? contrast.inSegment : contrast.inSegment * 100),
        inPopulation: rounded(
          contrast.value === undefined ? contrast.inPopulation : contrast.inPopulation * 100,
        ),
        lift: rounded(contrast.lift),
      })),
    })),
  };
}

const rounded = (value: number) => Math.round(value * 10) / 10;

/** Models often wrap JSON in a Markdown code fence despite being asked not to. */
function withoutFence(content: string): string {
  return content
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
}

function problemWith(copies: readonly Copy[], described: readonly object[]): string | undefined {
  const indexes = new Set(copies.map(({ index }) => index));
  if (copies.length !== described.length || described.some((_, index) => !indexes.has(index))) {
    return 'language model answer does not cover every segment exactly once';
  }
  if (new Set(copies.map(({ name }) => name.toLowerCase())).size !== copies.length) {
    return 'language model gave two segments the same name';
  }
  const invented = copies.find((copy) => inventedFigure(copy, described[copy.index]));
  return invented && `language model invented figures for segment ${invented.index}`;
}

/** Small counts ("top 3 countries") are wording, not statistics. */
const WORDING_FIGURE = 10;

/** A number in the copy, beyond a small count, that the segment's input never stated. */
function inventedFigure(copy: Copy, described: object | undefined): boolean {
  const stated = new Set(figuresOf(JSON.stringify(described ?? {})));
  const { index: _, ...text } = copy;
  return figuresOf(JSON.stringify(text)).some(
    (figure) => Number(figure) > WORDING_FIGURE && !stated.has(figure),
  );
}

function figuresOf(text: string): string[] {
  return [...text.matchAll(/\d+(?:\.\d+)?/g)].map(([figure]) => String(Number(figure)));
}

function withCopy(description: SegmentDescription, copy: Copy | undefined): SegmentDescription {
  if (!copy) return description;
  const { name, demographicProfile, geographicFocus, interestsAndBehaviours } = copy;
  return { ...description, name, demographicProfile, geographicFocus, interestsAndBehaviours };
}
