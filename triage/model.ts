/**
 * A trained model as the API holds it: the classifier plus what the answer says about it (version, when it was
 * trained, on how many examples).
 */
import { LinearClassifier, type ClassScore, type LinearModelData } from './classifier';
import { features, featureSetVersion, type FeatureVector } from './text';

export interface ModelInfo {
  version: number;
  trainedAt: string;
  examples: number;
}

export class TriageModel {
  readonly classifier: LinearClassifier;

  constructor(
    readonly info: ModelInfo,
    data: LinearModelData,
  ) {
    if (data.featureSet !== featureSetVersion) {
      // A model trained on other features would score nonsense: refuse it, so the caller trains anew.
      throw new Error(`triage model ${info.version} uses feature set ${data.featureSet}, this code ${featureSetVersion}`);
    }
    this.classifier = new LinearClassifier(data);
  }

  /** The text's features, as the classifier reads them. */
  features(text: string): FeatureVector {
    return features(text);
  }

  /** Every leaf category with its probability, best first. */
  classify(text: string): ClassScore[] {
    return this.classifier.classify(this.features(text));
  }
}
