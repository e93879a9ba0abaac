import { apiBase, ApiFailure, readError, withQuery, type Query } from './http';
import { tokenStore } from './token-store';

/** The name the server gave the file (RFC 5987 `filename*`, which carries the Chinese), else `fallback`. */
function fileNameOf(res: Response, fallback: string): string {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(res.headers.get('content-disposition') ?? '')?.[1];
  try {
    return encoded ? decodeURIComponent(encoded) : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Saves an export (GET …/export): a plain link cannot send the token, so the file is fetched with it and handed
 * to the browser through a temporary object URL. A transfer the server cut short rejects here, never saves.
 */
export async function downloadExport(path: string, query: Query, fallback: string): Promise<void> {
  const token = tokenStore.get();
  let res: Response;
  try {
    res = await fetch(apiBase + withQuery(path, query), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiFailure(0, 'NETWORK', '无法连接服务器');
  }
  if (!res.ok) throw await readError(res);
  let blob: Blob;
  try {
    blob = await res.blob();
  } catch {
    throw new ApiFailure(0, 'INTERRUPTED', '导出中断，文件不完整');
  }
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileNameOf(res, fallback);
  document.body.appendChild(link);
  link.click();
  link.remove();
  // After the click has handed the blob to the browser's download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
