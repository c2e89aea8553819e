/**
 * The part of tfjs-core's gradient tape that connects the variables to the loss, with the
 * indexes the backward pass and the fused rules need.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** A node of tfjs-core's tape (`tf.engine().state.activeTape`). */
export interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: tf.Tensor[]) => Record<string, () => tf.Tensor>;
}

/** A tape node on a path from the variables to the loss; `inputs` keeps only those on a path. */
export interface PathNode {
  node: TapeNode;
  inputs: Record<string, tf.Tensor>;
}

/** The path nodes in tape order, and who produces / consumes each tensor along them. */
export interface TapePath {
  nodes: PathNode[];
  producer: Map<number, PathNode>;
  consumers: Map<number, PathNode[]>;
}

/**
 * Nodes that depend on one of `xs` and lead to `y`, in tape order, with their inputs pruned to
 * those that depend on `xs` (the same selection as tfjs-core's backward pass).
 */
export function pathFromTape(tape: readonly TapeNode[], xs: readonly tf.Tensor[], y: tf.Tensor) {
  const fromX = new Set(xs.map((x) => x.id));
  const reached = new Set<TapeNode>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => t != null && fromX.has(t.id))) {
      reached.add(node);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set([y.id]);
  const useful = new Set<TapeNode>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (node.outputs.some((o) => toY.has(o.id))) {
      useful.add(node);
      for (const t of Object.values(node.inputs)) if (t != null) toY.add(t.id);
    }
  }
  const path: TapePath = { nodes: [], producer: new Map(), consumers: new Map() };
  for (const node of tape) {
    if (!reached.has(node) || !useful.has(node)) continue;
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) {
      if (t != null && fromX.has(t.id)) inputs[name] = t;
    }
    const p: PathNode = { node, inputs };
    path.nodes.push(p);
    for (const o of node.outputs) path.producer.set(o.id, p);
    for (const t of Object.values(inputs)) {
      const list = path.consumers.get(t.id) ?? [];
      list.push(p);
      path.consumers.set(t.id, list);
    }
  }
  return path;
}

/** Disposes the tensors a node saved for its gradient (the tape's own clones). */
export function releaseSaved(node: TapeNode): void {
  if (!node.saved) return;
  for (const t of node.saved) t?.dispose();
  node.saved.length = 0;
}
