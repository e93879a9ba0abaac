/**
 * How good smart dispatch is, offline (no stack needed):
 *   node --import tsx bench/triage-accuracy.ts [--errors 20] [--json]
 * 1. Trains the classifier exactly as the demo city's first model is trained (the catalogue with its keywords,
 *    plus the seed corpus db/seeds/triage-corpus.ts), then scores the held-out set bench/data/triage-heldout.ts,
 *    which training never sees: top-1 and top-3 per category, overall, and the confusion table.
 * 2. Also 5-fold cross-validation on the corpus itself (how hyper-parameters were chosen), for comparison.
 * 3. Duplicate proposals on the labelled repeat reports bench/data/duplicate-reports.ts: precision and recall
 *    at the threshold the API uses.
 */
import { parseArgs } from 'node:util';
import { categoryKeywords, triageCorpus } from '../db/seeds/triage-corpus';
import { demoCategories } from '../db/seeds/demo-city';
import { LinearClassifier } from '../triage/classifier';
import { catalogueTexts, trainOnTexts, type TrainingText } from '../triage/training';
import { features } from '../triage/text';
import { duplicateRadiusMeters, duplicateThreshold, duplicateWindowDays, proposeDuplicates } from '../triage/duplicates';
import { heldOut } from './data/triage-heldout';
import { openCases, reports } from './data/duplicate-reports';

const { values } = parseArgs({ options: { errors: { type: 'string', default: '25' }, json: { type: 'boolean', default: false } } });

const leaves = demoCategories.filter(([, , parent]) => parent !== null);
const classes = leaves.map(([id]) => id);
const names = new Map(leaves.map(([id, name]) => [id, name]));
const catalogue = catalogueTexts(leaves.map(([id, name, , , description]) => ({ id, name, description, keywords: categoryKeywords[id] ?? [] })));
const corpus: TrainingText[] = Object.entries(triageCorpus).flatMap(([label, texts]) => texts.map((text) => ({ text, label, source: 'seed' as const })));

const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)} %`);

// 1. Held out -------------------------------------------------------------------------------------------
const trained = trainOnTexts([...catalogue, ...corpus], classes);
const model = new LinearClassifier(trained.data);
const perClass = new Map(classes.map((c) => [c, { n: 0, top1: 0, top3: 0 }]));
const confusion = new Map(classes.map((c) => [c, new Map(classes.map((d) => [d, 0]))]));
const errors: { text: string; truth: string; guess: string; p: number; why: string }[] = [];
let top1 = 0;
let top3 = 0;
const latencies: number[] = [];
for (const [truth, text] of heldOut) {
  const started = performance.now();
  const x = features(text);
  const ranked = model.classify(x);
  latencies.push(performance.now() - started);
  const row = perClass.get(truth)!;
  row.n++;
  const guess = ranked[0]!.label;
  confusion.get(truth)!.set(guess, confusion.get(truth)!.get(guess)! + 1);
  if (guess === truth) {
    row.top1++;
    top1++;
  } else {
    const why = model
      .explain(x, guess, 3)
      .map((f) => `${f.feature}(${f.weight.toFixed(2)})`)
      .join(' ');
    errors.push({ text, truth, guess, p: ranked[0]!.score, why });
  }
  if (ranked.slice(0, 3).some((r) => r.label === truth)) {
    row.top3++;
    top3++;
  }
}

// 2. Cross-validation on the corpus ----------------------------------------------------------------------
let cvTop1 = 0;
let cvTop3 = 0;
const folds = 5;
for (let f = 0; f < folds; f++) {
  const m = new LinearClassifier(trainOnTexts([...catalogue, ...corpus.filter((_, i) => i % folds !== f)], classes).data);
  for (const t of corpus.filter((_, i) => i % folds === f)) {
    const r = m.classify(features(t.text));
    if (r[0]!.label === t.label) cvTop1++;
    if (r.slice(0, 3).some((x) => x.label === t.label)) cvTop3++;
  }
}

// 3. Duplicates ------------------------------------------------------------------------------------------
const now = new Date('2026-12-01T04:00:00Z');
const dupCandidates = openCases.map((c) => ({
  ...c,
  caseNo: c.id,
  categoryId: c.category,
  categoryName: names.get(c.category),
  reporterPhone: c.phone ?? null,
  createdAt: new Date(now.getTime() - c.ageDays * 86_400_000).toISOString(),
}));
/** The box findDuplicateCandidates asks PostgreSQL for. */
const inBox = (lat: number, lng: number, cLat: number, cLng: number) =>
  Math.abs(cLat - lat) <= duplicateRadiusMeters / 111_320 && Math.abs(cLng - lng) <= duplicateRadiusMeters / (111_320 * Math.max(0.2, Math.cos((lat * Math.PI) / 180)));
let truePositives = 0;
let proposed = 0;
let actual = 0;
const dupMistakes: string[] = [];
for (const r of reports) {
  const ranked = model.classify(features(r.text));
  const probability = new Map(ranked.map((s) => [s.label, s.score]));
  // The same candidates the SQL query returns: the community, 1 km around the point, or the same caller; 30 days.
  const candidates = dupCandidates.filter(
    (c) =>
      now.getTime() - Date.parse(c.createdAt) <= duplicateWindowDays * 86_400_000 &&
      (c.communityId === r.communityId ||
        (r.lat != null && r.lng != null && c.lat != null && c.lng != null && inBox(r.lat, r.lng, c.lat, c.lng)) ||
        (!!r.phone && r.phone === c.reporterPhone)),
  );
  const found = proposeDuplicates(
    { text: r.text, communityId: r.communityId, gridId: r.gridId, lat: r.lat, lng: r.lng, address: r.address, phone: r.phone, categoryProbability: (id) => probability.get(id) ?? 0, now },
    candidates,
  );
  proposed += found.length;
  if (r.duplicateOf) actual++;
  const hit = found.some((f) => f.id === r.duplicateOf);
  if (hit) truePositives++;
  for (const f of found) if (f.id !== r.duplicateOf) dupMistakes.push(`误报 false positive: 「${r.text}」→ ${f.id} ${f.title} (${f.score}: ${f.reason})`);
  if (r.duplicateOf && !hit) {
    const missed = dupCandidates.find((c) => c.id === r.duplicateOf)!;
    dupMistakes.push(`漏报 missed: 「${r.text}」 ≠ ${missed.id} ${missed.title}`);
  }
}
const precision = proposed ? truePositives / proposed : 0;
const recall = actual ? truePositives / actual : 0;

// Report ------------------------------------------------------------------------------------------------
latencies.sort((a, b) => a - b);
const result = {
  training: { examples: trained.examples, features: trained.summary.featureCount, durationMs: trained.summary.durationMs },
  heldOut: { n: heldOut.length, top1: top1 / heldOut.length, top3: top3 / heldOut.length },
  crossValidation: { n: corpus.length, top1: cvTop1 / corpus.length, top3: cvTop3 / corpus.length },
  duplicates: { reports: reports.length, repeats: actual, proposed, truePositives, precision, recall, threshold: duplicateThreshold },
  classifyP95Ms: latencies[Math.floor(0.95 * latencies.length)],
};
if (values.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`训练 (training): ${trained.examples} 条 (texts), ${trained.summary.featureCount} 个特征 (features), ${trained.summary.durationMs} ms`);
  console.log(`\n留出集 (held-out, never trained on): ${heldOut.length} 条`);
  console.log('| 类别 category | n | top-1 | top-3 |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [c, r] of [...perClass].sort((a, b) => a[1].top1 / a[1].n - b[1].top1 / b[1].n)) {
    console.log(`| ${names.get(c)} (${c}) | ${r.n} | ${pct(r.top1, r.n)} | ${pct(r.top3, r.n)} |`);
  }
  console.log(`| **合计 overall** | ${heldOut.length} | **${pct(top1, heldOut.length)}** | **${pct(top3, heldOut.length)}** |`);
  console.log(`\n5 折交叉验证 (5-fold cross-validation on the seed corpus): top-1 ${pct(cvTop1, corpus.length)}, top-3 ${pct(cvTop3, corpus.length)}`);

  console.log('\n混淆表 (confusion: rows = truth, columns = first guess; only categories with an error)');
  const involved = classes.filter((c) => classes.some((d) => d !== c && (confusion.get(c)!.get(d)! > 0 || confusion.get(d)!.get(c)! > 0)));
  const short = (c: string) => names.get(c)!.slice(0, 4);
  console.log(`| truth \\ guess | ${involved.map(short).join(' | ')} |`);
  console.log(`| --- | ${involved.map(() => '---:').join(' | ')} |`);
  for (const c of involved) console.log(`| ${short(c)} | ${involved.map((d) => confusion.get(c)!.get(d) || '·').join(' | ')} |`);

  console.log(`\n错分 (misclassified, first ${values.errors}):`);
  for (const e of errors.slice(0, Number(values.errors))) {
    console.log(`- 「${e.text}」 ${names.get(e.truth)} → ${names.get(e.guess)} (${e.p.toFixed(2)}; ${e.why})`);
  }
  console.log(`\n并单 (duplicates): ${reports.length} 条新诉求 (reports), ${actual} 条重复 (repeats); 阈值 threshold ${duplicateThreshold}`);
  console.log(`precision ${pct(truePositives, proposed)} (${truePositives}/${proposed}), recall ${pct(truePositives, actual)} (${truePositives}/${actual})`);
  for (const m of dupMistakes) console.log(`- ${m}`);
  console.log(`\n分类耗时 (classify incl. segmentation) p95: ${result.classifyP95Ms!.toFixed(3)} ms`);
}
