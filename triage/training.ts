/**
 * Training the category classifier: which texts it learns from, with which weight, and how. The same function
 * trains the API's model (from PostgreSQL: `trainFromDatabase`) and the bench's (from the seed files), so what
 * the bench measures is what the API serves.
 */
import type { Knex } from 'knex';
import { defaultTrainOptions, LinearClassifier, type LinearModelData, trainLinearModel, type TrainOptions } from './classifier';
import { features, featureSetVersion } from './text';
import { listTrainingTexts, saveModel, type StoredModelInfo } from '../db/queries/triage';

/** Where a training text comes from. */
export const trainingSources = ['catalogue', 'seed', 'import', 'cases', 'correction'] as const;
export type TrainingSource = (typeof trainingSources)[number];

export interface TrainingText {
  text: string;
  label: string;
  source: TrainingSource;
}

/**
 * How much each source counts. A dispatcher's correction is a case the model (or the clerk) got wrong, so it
 * counts twice; everything else once.
 */
export const sourceWeights: Record<TrainingSource, number> = { catalogue: 1, seed: 1, import: 1, cases: 1, correction: 2 };

export interface CatalogueEntry {
  id: string;
  name: string;
  description: string | null;
  keywords: string[];
}

/** The catalogue as training texts: a category's name with its description, and each of its keywords. */
export function catalogueTexts(categories: CatalogueEntry[]): TrainingText[] {
  return categories.flatMap((c) => [
    { text: `${c.name}：${c.description ?? ''}`, label: c.id, source: 'catalogue' as const },
    ...c.keywords.map((k) => ({ text: k, label: c.id, source: 'catalogue' as const })),
  ]);
}

export interface TrainedModel {
  data: LinearModelData;
  examples: number;
  summary: TrainingSummary;
}

export interface TrainingSummary {
  /** Texts used, per source. */
  sources: Partial<Record<TrainingSource, number>>;
  /** Texts used, per class. */
  perClass: Record<string, number>;
  /** Share of training texts the model puts first (how well it fits what it saw; not a measure of quality). */
  trainingAccuracy: number;
  options: TrainOptions;
  featureCount: number;
  durationMs: number;
}

/**
 * Trains on `texts` for the leaf categories `classes`; texts with another label are left out. Sorted first
 * (source, label, text), so the model depends on the data only, never on the order a query returned it in.
 */
export function trainOnTexts(texts: TrainingText[], classes: string[], options: Partial<TrainOptions> = {}): TrainedModel {
  const started = Date.now();
  const known = new Set(classes);
  const used = texts
    .filter((t) => known.has(t.label) && t.text.trim().length > 0)
    .sort((a, b) => a.source.localeCompare(b.source) || a.label.localeCompare(b.label) || a.text.localeCompare(b.text));
  const examples = used.map((t) => ({ features: features(t.text), label: t.label, weight: sourceWeights[t.source] }));
  const data = trainLinearModel(examples, [...classes].sort(), featureSetVersion, { ...defaultTrainOptions, ...options });

  const sources: Partial<Record<TrainingSource, number>> = {};
  const perClass: Record<string, number> = {};
  for (const t of used) {
    sources[t.source] = (sources[t.source] ?? 0) + 1;
    perClass[t.label] = (perClass[t.label] ?? 0) + 1;
  }
  // How well it fits its own data, scored with the rounded weights that are stored.
  let right = 0;
  const classifier = new LinearClassifier(data);
  for (const e of examples) if (classifier.classify(e.features)[0]?.label === e.label) right++;
  return {
    data,
    examples: used.length,
    summary: {
      sources,
      perClass,
      trainingAccuracy: examples.length ? Math.round((right / examples.length) * 1000) / 1000 : 0,
      options: data.options,
      featureCount: data.features.length,
      durationMs: Date.now() - started,
    },
  };
}

export type TrainingTrigger = 'cli' | 'schedule' | 'bootstrap' | 'test';

export interface TrainFromDatabaseOptions {
  trigger: TrainingTrigger;
  /** Sources to leave out (a city with enough history of its own may leave out `seed`). */
  exclude?: TrainingSource[];
  /** Closed cases read at most, newest first. */
  maxCases?: number;
}

/**
 * Reads everything the model learns from (the catalogue, triage_examples, closed cases), trains, and stores
 * the model as a new version. The API picks it up by itself (it checks for a newer version every 30 s).
 */
export async function trainFromDatabase(db: Knex, options: TrainFromDatabaseOptions): Promise<StoredModelInfo & { summary: TrainingSummary }> {
  const exclude = new Set(options.exclude ?? []);
  const { leafCategories, texts } = await listTrainingTexts(db, { maxCases: options.maxCases ?? 50_000 });
  const all = [...catalogueTexts(leafCategories), ...texts].filter((t) => !exclude.has(t.source));
  const trained = trainOnTexts(
    all,
    leafCategories.map((c) => c.id),
  );
  const stored = await saveModel(db, { examples: trained.examples, summary: trained.summary, trigger: options.trigger, weights: trained.data });
  return { ...stored, summary: trained.summary };
}
