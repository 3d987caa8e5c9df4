/**
 * Maps a field path of a YAML plan to its line and column, so issues read `plan.yaml:12: …`.
 */
import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';

/** 1-based position in a file. */
export interface SourcePosition {
  line: number;
  column: number;
}

function pairFor(node: unknown, segment: PropertyKey): Pair<unknown, unknown> | undefined {
  if (!isMap(node)) return undefined;
  return node.items.find((pair) => {
    const key = isScalar(pair.key) ? pair.key.value : pair.key;
    return String(key) === String(segment);
  });
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}

/**
 * Where `path` is in the document: the value of the field (its key when `atKey` or when the value is
 * empty, a mapping or a list). When the field is missing, the deepest field of the path that exists (its parent).
 */
export function locatePath(document: Document, lineCounter: LineCounter, path: readonly PropertyKey[], atKey = false): SourcePosition | undefined {
  let node: unknown = document.contents;
  let offset = startOf(node);
  for (const [index, segment] of path.entries()) {
    if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) break;
      offset = startOf(node) ?? offset;
      continue;
    }
    const pair = pairFor(node, segment);
    if (pair === undefined) break;
    const last = index === path.length - 1;
    // A scalar value is where the problem is; a mapping or list (or a missing child) is best named by its key.
    const valueOffset = last && !atKey && isScalar(pair.value) ? startOf(pair.value) : undefined;
    offset = valueOffset ?? startOf(pair.key) ?? offset;
    node = pair.value;
  }
  if (offset === undefined) return undefined;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}
