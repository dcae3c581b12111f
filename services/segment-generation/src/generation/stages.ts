/** The stages of a generation job, with the share of the whole job each one takes. */
export const STAGES = {
  CHECKING_CAMPAIGN: [0, 5],
  LOADING_PROFILES: [5, 35],
  ENGINEERING_FEATURES: [35, 40],
  CLUSTERING: [40, 80],
  DESCRIBING: [80, 88],
  DERIVING_RULES: [88, 96],
  STORING: [96, 100],
} as const satisfies Record<string, readonly [number, number]>;

export type Stage = keyof typeof STAGES;

export interface Progress {
  stage: Stage;
  /** Of the whole job, 0–100. */
  percent: number;
  detail: string;
}

export type ProgressListener = (progress: Progress) => void;

/** Where `fraction` (0–1) of `stage` lands in the whole job. */
export function progressOf(stage: Stage, fraction: number, detail = ''): Progress {
  const [from, to] = STAGES[stage];
  const clamped = Math.min(1, Math.max(0, fraction));
  return { stage, percent: Math.round((from + (to - from) * clamped) * 10) / 10, detail };
}
