import { useEffect, useState } from 'react';
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Modal,
  Select,
  Stack,
  Switch,
  Table,
  TagsInput,
  Tabs,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { ContactFieldTypeT, OptOutSettingsDtoT } from '../../../contracts/contacts';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { useContactFields, useFieldMutations, useOptOutSettings, useUpdateOptOutSettings } from './api';

const TYPES: Array<{ value: ContactFieldTypeT; label: string }> = [
  { value: 'text', label: 'Text' },
  { value: 'number', label: 'Number' },
  { value: 'date', label: 'Date' },
  { value: 'choice', label: 'Choice' },
];

const keyOf = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^(\d)/, 'f_$1')
    .slice(0, 40);

export function ContactsSettingsModal({
  ws,
  opened,
  onClose,
  tab,
}: {
  ws: string;
  opened: boolean;
  onClose: () => void;
  tab: 'fields' | 'opt-out';
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="Contact settings" size="xl">
      <Tabs defaultValue={tab} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="fields">Custom fields</Tabs.Tab>
          <Tabs.Tab value="opt-out">Opt-out keywords</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="fields">
          <FieldsPanel ws={ws} />
        </Tabs.Panel>
        <Tabs.Panel value="opt-out">
          <OptOutPanel ws={ws} />
        </Tabs.Panel>
      </Tabs>
    </Modal>
  );
}

function FieldsPanel({ ws }: { ws: string }) {
  const fields = useContactFields(ws);
  const { create, remove } = useFieldMutations(ws);
  const [label, setLabel] = useState('');
  const [type, setType] = useState<ContactFieldTypeT>('text');
  const [options, setOptions] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function add() {
    setErrors({});
    try {
      await create.mutateAsync({ key: keyOf(label), label: label.trim(), type, ...(type === 'choice' ? { options } : {}) });
      setLabel('');
      setOptions([]);
      notifySuccess('Field added.');
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fieldErrors).length) setErrors(err.fieldErrors);
      else notifyError(err);
    }
  }

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Extra facts to keep about each contact. Values are checked by type, and each field can be a column of a CSV import.
      </Text>
      {(fields.data ?? []).length > 0 ? (
        <Table withTableBorder>
          <Table.Thead bg="gray.0">
            <Table.Tr>
              <Table.Th>Field</Table.Th>
              <Table.Th>Key</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(fields.data ?? []).map((f) => (
              <Table.Tr key={f.id}>
                <Table.Td fw={500}>{f.label}</Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace" c="dimmed">
                    {f.key}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge variant="light" color="gray">
                      {f.type}
                    </Badge>
                    {f.type === 'choice' ? (
                      <Text size="xs" c="dimmed">
                        {f.options.join(', ')}
                      </Text>
                    ) : null}
                  </Group>
                </Table.Td>
                <Table.Td w={40}>
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    aria-label={`Delete field ${f.label}`}
                    onClick={() => {
                      if (window.confirm(`Delete the field "${f.label}" and its value on every contact?`))
                        remove.mutate(f.id, { onError: (e) => notifyError(e) });
                    }}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Text size="sm">No custom fields yet.</Text>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput
            label="New field"
            placeholder="Customer since"
            value={label}
            onChange={(e) => setLabel(e.currentTarget.value)}
            error={errors.key ?? errors.label}
            description={label ? `Key: ${keyOf(label) || '—'}` : ' '}
            w={220}
          />
          <Select
            label="Type"
            data={TYPES}
            value={type}
            onChange={(v) => setType((v as ContactFieldTypeT) ?? 'text')}
            allowDeselect={false}
            w={130}
            description=" "
          />
          {type === 'choice' ? (
            <TagsInput
              label="Options"
              placeholder="Type and press Enter"
              value={options}
              onChange={setOptions}
              error={errors.options}
              w={240}
              description=" "
            />
          ) : null}
          <Button type="submit" mt={25} leftSection={<IconPlus size={16} />} disabled={!label.trim()} loading={create.isPending}>
            Add field
          </Button>
        </Group>
      </form>
    </Stack>
  );
}

function OptOutPanel({ ws }: { ws: string }) {
  const settings = useOptOutSettings(ws);
  const save = useUpdateOptOutSettings(ws);
  const [draft, setDraft] = useState<OptOutSettingsDtoT | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (settings.data && !draft) setDraft(settings.data);
  }, [settings.data, draft]);
  if (!draft) return null;
  const set = (patch: Partial<OptOutSettingsDtoT>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
        save.mutate(draft, {
          onSuccess: (next) => {
            setDraft(next);
            notifySuccess('Opt-out settings saved.');
          },
          onError: (err) =>
            err instanceof ApiError && Object.keys(err.fieldErrors).length ? setErrors(err.fieldErrors) : notifyError(err),
        });
      }}
    >
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          A customer message that is exactly one of these words (any case, spaces and punctuation ignored) changes their opt-out status.
          “Stop!” counts; “please stop by the shop” does not. Add words in your customers’ languages.
        </Text>
        <TagsInput
          label="Opt-out keywords"
          value={draft.optOutKeywords}
          onChange={(v) => set({ optOutKeywords: v })}
          error={errors.optOutKeywords}
        />
        <TagsInput
          label="Opt-in keywords"
          value={draft.optInKeywords}
          onChange={(v) => set({ optInKeywords: v })}
          error={errors.optInKeywords}
        />
        <Switch
          label="Confirm an opt-out with an automatic reply"
          checked={draft.optOutReplyEnabled}
          onChange={(e) => set({ optOutReplyEnabled: e.currentTarget.checked })}
        />
        <Textarea
          autosize
          minRows={2}
          disabled={!draft.optOutReplyEnabled}
          value={draft.optOutReply}
          onChange={(e) => set({ optOutReply: e.currentTarget.value })}
          error={errors.optOutReply}
          aria-label="Opt-out reply"
        />
        <Switch
          label="Confirm an opt-in with an automatic reply"
          checked={draft.optInReplyEnabled}
          onChange={(e) => set({ optInReplyEnabled: e.currentTarget.checked })}
        />
        <Textarea
          autosize
          minRows={2}
          disabled={!draft.optInReplyEnabled}
          value={draft.optInReply}
          onChange={(e) => set({ optInReply: e.currentTarget.value })}
          error={errors.optInReply}
          aria-label="Opt-in reply"
        />
        <Group justify="flex-end">
          <Button type="submit" loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
