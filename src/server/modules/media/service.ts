import type { Caller } from '../caller.js';
import type { WorkspaceAccess } from '../workspaces/access.js';
import { notFound } from '../../http/errors.js';
import type { MediaStore, OpenedMedia } from './media-store.js';

export function createMediaService(deps: { access: WorkspaceAccess; store: MediaStore }) {
  const { access, store } = deps;
  return {
    /** A stored file of the workspace, for any member. Another workspace's media is simply not found. */
    async open(caller: Caller, workspaceId: string, mediaId: string): Promise<OpenedMedia> {
      await access.require(caller, workspaceId, 'workspace.read');
      const media = await store.open(workspaceId, mediaId);
      if (!media) throw notFound('media');
      return media;
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
