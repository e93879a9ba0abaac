/**
 * A linear classifier in plain TypeScript: multinomial logistic regression (softmax) over sparse features,
 * trained by stochastic gradient descent with AdaGrad step sizes and L2 regularisation. Small (one weight per
 * class and feature), fast to score (microseconds), and deterministic: the same examples in the same order with
 * the same seed give the same weights, bit for bit. No I/O and no segmentation here (see ./text.ts).
 */
import type { FeatureVector } from './text';

export interface TrainingExample {
  features: FeatureVector;
  label: string;
  /** How much this example counts (a dispatcher's correction counts more than a seed sentence). */
  weight: number;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty per update. */
  l2: number;
  seed: number;
  /** Features seen in fewer examples than this are left out of the model. */
  minCount: number;
}

export const defaultTrainOptions: TrainOptions = { epochs: 20, learningRate: 0.5, l2: 1e-4, seed: 13, minCount: 2 };

/** What is stored (triage_models.weights) and loaded: plain JSON. */
export interface LinearModelData {
  format: 'jiesu-linear-softmax/1';
  featureSet: string;
  classes: string[];
  features: string[];
  /** weights[class][feature], rounded to 4 decimals. */
  weights: number[][];
  bias: number[];
  options: TrainOptions;
}

/** A small, seeded pseudo-random generator (mulberry32): shuffles the same way on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    scores[k] = Math.exp(scores[k]! - max);
    sum += scores[k]!;
  }
  for (let k = 0; k < scores.length; k++) scores[k]! /= sum;
}

const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * Trains on `examples` for `classes` (examples with another label are skipped). The examples' order is part
 * of the input: callers sort them first so that a retrain on the same data gives the same model.
 */
export function trainLinearModel(examples: TrainingExample[], classes: string[], featureSet: string, options: Partial<TrainOptions> = {}): LinearModelData {
  const opts = { ...defaultTrainOptions, ...options };
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const usable = examples.filter((e) => classIndex.has(e.label) && e.features.size > 0 && e.weight > 0);

  // The vocabulary: features in at least `minCount` examples, in order of first appearance.
  const seen = new Map<string, number>();
  for (const e of usable) for (const f of e.features.keys()) seen.set(f, (seen.get(f) ?? 0) + 1);
  const featureNames = [...seen].filter(([, n]) => n >= opts.minCount).map(([f]) => f);
  const featureIndex = new Map(featureNames.map((f, i) => [f, i]));

  const rows = usable.map((e) => {
    const idx: number[] = [];
    const val: number[] = [];
    for (const [f, v] of e.features) {
      const i = featureIndex.get(f);
      if (i !== undefined) {
        idx.push(i);
        val.push(v);
      }
    }
    return { idx, val, y: classIndex.get(e.label)!, weight: e.weight };
  });

  const K = classes.length;
  const F = featureNames.length;
  const W = new Float64Array(K * F);
  const G = new Float64Array(K * F);
  const b = new Float64Array(K);
  const Gb = new Float64Array(K);
  const eps = 1e-8;
  const random = seededRandom(opts.seed);
  const order = rows.map((_, i) => i);
  const p = new Float64Array(K);

  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    // Fisher–Yates with the seeded generator.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const row = rows[r]!;
      for (let k = 0; k < K; k++) {
        let s = b[k]!;
        const base = k * F;
        for (let n = 0; n < row.idx.length; n++) s += W[base + row.idx[n]!]! * row.val[n]!;
        p[k] = s;
      }
      softmaxInPlace(p);
      for (let k = 0; k < K; k++) {
        const g = (p[k]! - (k === row.y ? 1 : 0)) * row.weight;
        const base = k * F;
        for (let n = 0; n < row.idx.length; n++) {
          const at = base + row.idx[n]!;
          const grad = g * row.val[n]! + opts.l2 * W[at]!;
          G[at]! += grad * grad;
          W[at]! -= (opts.learningRate * grad) / (Math.sqrt(G[at]!) + eps);
        }
        Gb[k]! += g * g;
        b[k]! -= (opts.learningRate * g) / (Math.sqrt(Gb[k]!) + eps);
      }
    }
  }

  const weights = classes.map((_, k) => Array.from(W.subarray(k * F, (k + 1) * F), round4));
  return { format: 'jiesu-linear-softmax/1', featureSet, classes, features: featureNames, weights, bias: Array.from(b, round4), options: opts };
}

export interface ClassScore {
  label: string;
  /** Probability under the model (softmax), 0..1; all classes sum to 1. */
  score: number;
}

/** A loaded model: scores a feature vector against every class. */
export class LinearClassifier {
  private readonly index: Map<string, number>;
  private readonly weights: Float32Array[];

  constructor(readonly data: LinearModelData) {
    this.index = new Map(data.features.map((f, i) => [f, i]));
    this.weights = data.weights.map((w) => Float32Array.from(w));
  }

  get classes(): string[] {
    return this.data.classes;
  }

  /** Every class with its probability, best first (ties by class order, so the answer is stable). */
  classify(x: FeatureVector): ClassScore[] {
    const K = this.data.classes.length;
    const s = new Float64Array(K);
    for (let k = 0; k < K; k++) s[k] = this.data.bias[k]!;
    for (const [f, v] of x) {
      const i = this.index.get(f);
      if (i === undefined) continue;
      for (let k = 0; k < K; k++) s[k]! += this.weights[k]![i]! * v;
    }
    softmaxInPlace(s);
    return this.data.classes
      .map((label, k) => ({ label, score: s[k]!, k }))
      .sort((a, b) => b.score - a.score || a.k - b.k)
      .map(({ label, score }) => ({ label, score }));
  }

  /** The features that pushed `x` towards `label` most (for error analysis). */
  explain(x: FeatureVector, label: string, top = 5): { feature: string; weight: number }[] {
    const k = this.data.classes.indexOf(label);
    if (k < 0) return [];
    return [...x]
      .flatMap(([f, v]) => {
        const i = this.index.get(f);
        return i === undefined ? [] : [{ feature: f, weight: this.weights[k]![i]! * v }];
      })
      .sort((a, b) => b.weight - a.weight)
      .slice(0, top);
  }
}
