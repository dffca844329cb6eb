import { useState } from 'react';
import { Anchor, Button, FileButton, Group, Progress, Text } from '@mantine/core';
import { IconPaperclip, IconX } from '@tabler/icons-react';
import type { CampaignDtoT } from '../../../contracts/campaigns';
import { CAMPAIGN_MEDIA_KINDS, precheckUpload } from '../../../contracts/media';
import { apiUrl, errorMessage } from '../../api/client';
import { uploadMedia } from '../../api/upload';
import { useUpdateCampaign } from './api';

const ACCEPT = 'image/jpeg,image/png,video/mp4,video/3gpp,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.zip,.txt,.csv';

/**
 * The one file a campaign sends with each message (its text becomes the caption).
 * The file is checked in the browser first, so a wrong type or size is said at once,
 * then uploaded and saved on the campaign straight away.
 */
export function CampaignMediaField({ workspaceId, campaign }: { workspaceId: string; campaign: CampaignDtoT }) {
  const update = useUpdateCampaign(workspaceId, campaign.id);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The name is known only for a file chosen on this page; after a reload the link opens the file.
  const [chosenName, setChosenName] = useState<string | null>(null);

  const attach = async (file: File | null) => {
    if (!file) return;
    const check = precheckUpload(file);
    if ('error' in check) return setError(check.error);
    if (!CAMPAIGN_MEDIA_KINDS.includes(check.kind)) return setError('A campaign can send an image, a video or a document with its text.');
    setError(null);
    setProgress(0);
    try {
      const media = await uploadMedia(workspaceId, file, setProgress);
      await update.mutateAsync({ mediaId: media.id });
      setChosenName(media.fileName ?? file.name);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setProgress(null);
    }
  };

  const detach = () =>
    update.mutate({ mediaId: null }, { onSuccess: () => setChosenName(null), onError: (e) => setError(errorMessage(e)) });

  return (
    <div>
      <Group gap="sm">
        {campaign.mediaId ? (
          <>
            <Text size="sm" data-testid="campaign-media">
              Attached:{' '}
              <Anchor
                href={apiUrl(`/workspaces/${encodeURIComponent(workspaceId)}/media/${encodeURIComponent(campaign.mediaId)}`)}
                target="_blank"
                rel="noopener noreferrer"
              >
                {chosenName ?? 'the file'}
              </Anchor>
            </Text>
            <Button variant="subtle" color="red" size="xs" leftSection={<IconX size={14} />} loading={update.isPending} onClick={detach}>
              Remove file
            </Button>
          </>
        ) : (
          <FileButton onChange={(f) => void attach(f)} accept={ACCEPT}>
            {(props) => (
              <Button {...props} variant="default" size="xs" leftSection={<IconPaperclip size={14} />} loading={progress !== null}>
                Attach an image, video or document
              </Button>
            )}
          </FileButton>
        )}
      </Group>
      {progress !== null ? <Progress mt={6} size="sm" value={progress * 100} aria-label="Upload progress" /> : null}
      {error ? (
        <Text size="sm" c="red.7" mt={4} role="alert">
          {error}
        </Text>
      ) : null}
    </div>
  );
}
