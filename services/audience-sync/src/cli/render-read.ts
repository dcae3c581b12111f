import type {
  ExplainedNode,
  GetAudienceOverlapResponse,
  PreviewAudienceResponse,
  RuleNodeCount,
} from '@prism/proto/prism/audience/v1/audience';

const count = (value: number) => value.toLocaleString('en-US');
const share = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '—');

/** Any tree as indented lines with box-drawing branches: what `tree` prints. */
function treeLines<Node extends { children: Node[] }>(node: Node, line: (node: Node) => string): string[] {
  const lines = [line(node)];
  const walk = (children: Node[], indent: string) =>
    children.forEach((child, at) => {
      const last = at === children.length - 1;
      lines.push(`${indent}${last ? '└─ ' : '├─ '}${line(child)}`);
      walk(child.children, `${indent}${last ? '   ' : '│  '}`);
    });
  walk(node.children, '');
  return lines;
}

/** The count, then every node of the rule with the profiles it holds on its own. */
export function previewText(preview: PreviewAudienceResponse): string {
  const millis = (preview.elapsed?.seconds ?? 0) * 1_000 + (preview.elapsed?.nanos ?? 0) / 1e6;
  const headline = `${count(preview.count)} of ${count(preview.population)} profiles (${share(preview.count, preview.population)}) · counted in ${millis.toFixed(1)} ms`;
  if (!preview.tree) return headline;
  const width = Math.max(...treeLines(preview.tree, (node) => node.description).map((text) => text.length));
  const lines = treeLines<RuleNodeCount>(preview.tree, (node) => node.description);
  const counts = flatten(preview.tree).map((node) => count(node.count));
  return [
    headline,
    '',
    ...lines.map((text, at) => `${text.padEnd(width + 2)}${counts[at]?.padStart(10)}`),
  ].join('\n');
}

/** Nodes in the order `treeLines` prints them. */
const flatten = <Node extends { children: Node[] }>(node: Node): Node[] => [
  node,
  ...node.children.flatMap(flatten),
];

/** The verdict, then the rule tree with ✓ / ✗ and the profile's value at each condition. */
export function explanationText(summary: string, rule: ExplainedNode | undefined): string {
  if (!rule) return summary;
  const lines = treeLines<ExplainedNode>(rule, (node) => {
    const mark = node.result ? '✓' : '✗';
    const value =
      node.children.length > 0
        ? ''
        : `   → ${node.actual === undefined ? 'no value' : JSON.stringify(node.actual)}`;
    return `${mark} ${node.description}${value}`;
  });
  return [summary, '', ...lines].join('\n');
}

/** Both, only the first, only the second: as counts and shares of each audience. */
export function overlapText(first: string, second: string, overlap: GetAudienceOverlapResponse): string {
  const rows: [string, number, string][] = [
    [
      'both',
      overlap.both,
      `  (${share(overlap.both, overlap.audienceSize)} of ${first}, ${share(overlap.both, overlap.otherSize)} of ${second})`,
    ],
    [`only ${first}`, overlap.onlyAudience, ''],
    [`only ${second}`, overlap.onlyOther, ''],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `${first}: ${count(overlap.audienceSize)} · ${second}: ${count(overlap.otherSize)}`,
    ...rows.map(([label, value, note]) => `${label.padEnd(width)} ${count(value).padStart(10)}${note}`),
  ].join('\n');
}
