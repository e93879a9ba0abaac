/** The box the launchers print once everything is up: one row per part, labels aligned for CJK terminals. */

/** Terminal columns a label takes: CJK and full-width characters take two, so padEnd alone misaligns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

export function summaryBox(title: string, rows: [string, string][]): string {
  const rule = '─'.repeat(72);
  const body = rows.map(([k, v]) => `  ${k}${' '.repeat(Math.max(1, 18 - displayWidth(k)))}${v}`).join('\n');
  return `${rule}\n  ${title}\n${body}\n${rule}`;
}

export const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)}s`;
