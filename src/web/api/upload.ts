import type { UploadedMediaDtoT } from '../../contracts/media';
import { ApiError, apiUrl } from './client';

/**
 * Uploads a file to send (multipart, field `file`). XMLHttpRequest rather than
 * fetch: only it reports upload progress, which a person waiting on a 16 MB video needs.
 */
export function uploadMedia(ws: string, file: File, onProgress?: (fraction: number) => void): Promise<UploadedMediaDtoT> {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append('file', file, file.name || 'pasted-image.png');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(`/workspaces/${encodeURIComponent(ws)}/media`));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'network_error', 'The upload did not reach the WaSphere server. Check your connection and try again.'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201 && body) return resolve(body as UploadedMediaDtoT);
      const e = (body as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null)?.error;
      reject(new ApiError(xhr.status, e?.code ?? 'upload_failed', e?.message ?? `The upload failed (${xhr.status}).`, e?.details ?? {}));
    };
    xhr.send(form);
  });
}
