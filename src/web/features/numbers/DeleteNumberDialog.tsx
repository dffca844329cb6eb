import { useState } from 'react';
import { Alert, Button, Group, Modal, Radio, Stack, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import type { DeleteNumberBodyT, NumberDtoT } from '../../../contracts/numbers';
import { notifyError, notifySuccess } from '../../api/notify';
import { useDeleteNumber } from './api';
import { formatPhone } from './status';

type Keep = DeleteNumberBodyT['messages'];

/** Confirms deleting a number's session, with the choice to keep or erase its stored messages. */
export function DeleteNumberDialog({
  workspaceId,
  number,
  opened,
  onClose,
  onDeleted,
}: {
  workspaceId: string;
  number: NumberDtoT;
  opened: boolean;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const remove = useDeleteNumber(workspaceId);
  const [messages, setMessages] = useState<Keep>('keep');
  const close = () => {
    setMessages('keep');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={`Delete the session of “${number.name}”?`}>
      <Stack>
        <Text size="sm">
          WaSphere logs {number.phone ? formatPhone(number.phone) : 'this number'} out of WhatsApp and erases its session keys. The phone
          keeps working; to use the number here again you add and link it anew.
        </Text>
        <Radio.Group label="Stored conversations and messages of this number" value={messages} onChange={(v) => setMessages(v as Keep)}>
          <Stack gap="xs" mt={8}>
            <Radio value="keep" label="Keep them (still visible in the inbox and exports)" />
            <Radio value="erase" label="Erase them too, with their media" color="red" />
          </Stack>
        </Radio.Group>
        {messages === 'erase' ? (
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />}>
            Erased messages and media cannot be recovered.
          </Alert>
        ) : null}
        <Group justify="flex-end" mt="xs">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() =>
              remove.mutate(
                { id: number.id, body: { messages } },
                {
                  onSuccess: () => {
                    notifySuccess(
                      messages === 'erase'
                        ? `“${number.name}” was deleted with its messages.`
                        : `“${number.name}” was deleted; its messages were kept.`,
                    );
                    setMessages('keep');
                    onDeleted();
                  },
                  onError: (err) => notifyError(err, 'Could not delete the session'),
                },
              )
            }
          >
            {messages === 'erase' ? 'Delete session and messages' : 'Delete session'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
