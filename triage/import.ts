/**
 * A city's own history for smart dispatch: a JSON Lines file of past requests with the category each one was
 * settled under, one object a line: `{"text": "…", "category": "road-damage", "id": "old-system-no"}` (`id`
 * optional: the line number is used). Categories are the city's leaf category ids. Re-importing a file updates
 * the lines it had (by id) rather than adding them twice.
 */
import { promises as fs } from 'node:fs';
import type { Knex } from 'knex';
import { saveLabelledTexts, type LabelledText } from '../db/queries/triage';

export class ImportError extends Error {}

export async function importLabelledFile(db: Knex, file: string): Promise<number> {
  const content = await fs.readFile(file, 'utf8');
  const leaves = new Set(
    (
      await db('categories as c')
        .select('c.id')
        .whereNotExists(db('categories as child').select(db.raw('1')).whereRaw('child.parent_id = c.id'))
    ).map((r: { id: string }) => r.id),
  );
  const rows: LabelledText[] = [];
  const problems: string[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    let parsed: { text?: unknown; category?: unknown; id?: unknown };
    try {
      parsed = JSON.parse(line);
    } catch {
      problems.push(`第 ${i + 1} 行不是 JSON (line ${i + 1} is not JSON)`);
      return;
    }
    const text = typeof parsed.text === 'string' ? parsed.text.trim() : '';
    const category = typeof parsed.category === 'string' ? parsed.category : '';
    if (!text) problems.push(`第 ${i + 1} 行缺少 text (line ${i + 1}: no text)`);
    else if (!leaves.has(category)) problems.push(`第 ${i + 1} 行的分类不存在或不是叶子分类 (line ${i + 1}: unknown leaf category) ${category}`);
    else rows.push({ key: typeof parsed.id === 'string' || typeof parsed.id === 'number' ? String(parsed.id) : `line:${i + 1}`, text: text.slice(0, 4000), category });
  });
  if (problems.length) throw new ImportError(`${file}: ${problems.slice(0, 10).join('；')}${problems.length > 10 ? `；…共 ${problems.length} 处 (${problems.length} in all)` : ''}`);
  return saveLabelledTexts(db, 'import', rows, { replace: false });
}
