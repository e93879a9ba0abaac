/**
 * What the classifier and the duplicate search read of a request: its words (Chinese segmentation with jieba,
 * through `@node-rs/jieba` and the dictionary it ships) and its character bigrams and characters, which carry
 * what segmentation misses: dialect words, typos (井概 for 井盖 still shares 井), words run together.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/** Changes when `features` would answer differently: a stored model names the feature set it was trained on. */
export const featureSetVersion = 'words+bigrams+chars/1';

let jieba: Jieba | null = null;

/** The segmenter, loaded once per process (about 0.2 s for the dictionary). */
export function segmenter(): Jieba {
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

/** Full-width to half-width, lower case, every digit the same (a house number says nothing of the category). */
export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[0-9]+/g, '0');
}

/** Words that say nothing about what the problem is: pronouns, particles, greetings. */
const stopWords = new Set(
  (
    '的 了 着 过 是 在 我 我们 俺 俺们 咱 咱们 你 你们 您 他 她 它 他们 她们 这 那 这个 那个 这儿 那儿 这里 那里 就 都 也 还 又 再 ' +
    '和 与 跟 及 把 被 给 让 说 个 啊 呀 吧 吗 呢 嘛 哦 哈 啦 咧 哩 嘞 噢 喂 嗯 哎 唉 诶 呗 么 滴 地 得 一下 什么 怎么 咋 ' +
    '请 麻烦 你好 您好 谢谢 感谢 同志 领导 师傅 一个 一直 已经 现在 今天 昨天 就是 还是 但是 可是 然后 因为 所以 而且 或者 ' +
    '0 号 点 多 很 太 挺 特别 非常 有点 有些 一些 赶紧 快点 帮忙 帮 看看 一 下 上 里 来 去 到 从 对 向 往 为 以'
  ).split(' '),
);

const han = /\p{Script=Han}/u;
const wordLike = /[\p{Script=Han}\p{L}]/u;

/** The words of a text as jieba cuts it (HMM on, so unknown words are guessed), without stop words and punctuation. */
export function words(text: string): string[] {
  return segmenter()
    .cut(normalize(text), true)
    .map((w) => w.trim())
    .filter((w) => w.length > 0 && wordLike.test(w) && !stopWords.has(w));
}

/** Runs of Chinese characters: bigrams never cross punctuation, digits or Latin words. */
function hanRuns(text: string): string[] {
  const runs: string[] = [];
  let run = '';
  for (const ch of normalize(text)) {
    if (han.test(ch)) run += ch;
    else if (run) {
      runs.push(run);
      run = '';
    }
  }
  if (run) runs.push(run);
  return runs;
}

export type FeatureVector = Map<string, number>;

export interface FeatureOptions {
  /** Single characters (`c:` features): on for the classifier, off for comparing two texts. */
  chars?: boolean;
}

/**
 * The sparse vector of a text: `w:` words, `b:` character bigrams, `c:` single characters, each weighted
 * 1 + ln(count), the whole scaled to unit length so that long and short calls weigh the same.
 */
export function features(text: string, options: FeatureOptions = {}): FeatureVector {
  const counts = new Map<string, number>();
  const add = (f: string) => counts.set(f, (counts.get(f) ?? 0) + 1);
  for (const w of words(text)) add(`w:${w}`);
  for (const run of hanRuns(text)) {
    const chars = [...run];
    for (let i = 0; i + 1 < chars.length; i++) add(`b:${chars[i]}${chars[i + 1]}`);
    if (options.chars !== false) for (const c of chars) if (!stopWords.has(c)) add(`c:${c}`);
  }
  let norm = 0;
  for (const [f, n] of counts) {
    const v = 1 + Math.log(n);
    counts.set(f, v);
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  if (norm > 0) for (const [f, v] of counts) counts.set(f, v / norm);
  return counts;
}

/** Cosine similarity of two unit-length vectors. */
export function cosine(a: FeatureVector, b: FeatureVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [f, v] of small) {
    const w = large.get(f);
    if (w !== undefined) dot += v * w;
  }
  return dot;
}
