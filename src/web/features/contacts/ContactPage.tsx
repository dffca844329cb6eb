import { useEffect, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Grid,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconArrowLeft, IconArrowMerge, IconDownload, IconEdit, IconMessageCircle, IconTrash } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import type { ContactDetailDtoT } from '../../../contracts/contacts';
import { notifyError, notifySuccess } from '../../api/notify';
import { FullPageLoader, QueryError } from '../../components/States';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import {
  contactExportUrl,
  useContact,
  useContactFields,
  useContactSearch,
  useEraseContact,
  useMergeContacts,
  useUpdateContact,
} from './api';
import { ContactFormModal, OptedOutBadge } from './ContactForm';

const when = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const fmt = (iso: string | null) => (iso ? when.format(new Date(iso)) : '—');
const SOURCE: Record<string, string> = { keyword: 'Customer’s message', agent: 'Set by', import: 'CSV import by', api: 'API' };

export default function ContactPage() {
  const ws = useCurrentWorkspace();
  const { contactId = '' } = useParams();
  const contact = useContact(ws.id, contactId);
  const fields = useContactFields(ws.id);
  const [editing, setEditing] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [merging, setMerging] = useState(false);
  const manager = ws.role === 'owner' || ws.role === 'admin';

  useEffect(() => {
    if (contact.data) document.title = `${contact.data.displayName} · Contacts · WaSphere`;
  }, [contact.data]);

  if (contact.isPending) return <FullPageLoader />;
  if (contact.isError) return <QueryError error={contact.error} onRetry={() => void contact.refetch()} />;
  const c = contact.data;

  return (
    <>
      <Anchor component={Link} to=".." relative="path" size="sm" mb="sm" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> All contacts
      </Anchor>
      <Group justify="space-between" align="flex-start" mb="lg" wrap="wrap">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} fz={26} data-testid="contact-name">
              {c.displayName}
            </Title>
            {c.optedOut ? <OptedOutBadge size="md" /> : null}
          </Group>
          <Text c="dimmed" ff="monospace">
            {c.phone ?? `WhatsApp id ${c.lid ?? ''}`}
          </Text>
        </Stack>
        <Group gap="sm">
          <Button variant="default" leftSection={<IconEdit size={16} />} onClick={() => setEditing(true)}>
            Edit
          </Button>
          <Button variant="default" leftSection={<IconArrowMerge size={16} />} onClick={() => setMerging(true)}>
            Merge duplicate
          </Button>
          {manager ? (
            <>
              <Button
                component="a"
                href={contactExportUrl(ws.id, c.id)}
                download
                variant="default"
                leftSection={<IconDownload size={16} />}
              >
                Export data
              </Button>
              <Button color="red" variant="light" leftSection={<IconTrash size={16} />} onClick={() => setErasing(true)}>
                Erase contact
              </Button>
            </>
          ) : null}
        </Group>
      </Group>

      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            <Card p="md">
              <Title order={2} fz="md" mb="sm">
                Details
              </Title>
              <SimpleGrid cols={2} spacing="sm" verticalSpacing="xs">
                <Fact label="Name (yours)" value={c.name} />
                <Fact label="WhatsApp name" value={c.pushName} />
                <Fact label="Saved on the phone as" value={c.savedName} />
                <Fact label="First seen" value={fmt(c.firstSeenAt)} />
                <Fact label="Last seen" value={fmt(c.lastSeenAt)} />
                <Fact label="Added" value={fmt(c.createdAt)} />
                {(fields.data ?? []).map((f) => (
                  <Fact key={f.id} label={f.label} value={c.fields[f.key] === undefined ? null : String(c.fields[f.key])} />
                ))}
              </SimpleGrid>
              <Text size="xs" c="dimmed" mt="md" mb={4}>
                Labels
              </Text>
              <Group gap={4}>
                {c.labels.length ? (
                  c.labels.map((l) => (
                    <Badge key={l.id} color={l.color} variant="light">
                      {l.name}
                    </Badge>
                  ))
                ) : (
                  <Text size="sm">—</Text>
                )}
              </Group>
              <Text size="xs" c="dimmed" mt="md" mb={4}>
                Notes
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {c.notes || '—'}
              </Text>
            </Card>
            <OptOutCard ws={ws.id} contact={c} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Card p={0}>
            <Title order={2} fz="md" p="md" pb="xs">
              Conversations
            </Title>
            {c.conversations.length === 0 ? (
              <Text size="sm" c="dimmed" px="md" pb="md">
                No conversations yet. A conversation starts when this customer writes to one of your numbers, or when you send them a
                message.
              </Text>
            ) : (
              <Table highlightOnHover data-testid="contact-conversations">
                <Table.Tbody>
                  {c.conversations.map((conv) => (
                    <Table.Tr key={conv.id}>
                      <Table.Td pl="md">
                        <Group gap="xs" wrap="nowrap">
                          <IconMessageCircle size={16} />
                          <Anchor component={Link} to={`/w/${ws.id}/inbox/${conv.id}`} fw={600} size="sm">
                            {conv.numberName}
                          </Anchor>
                        </Group>
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {conv.lastMessagePreview ?? ''}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={conv.status === 'open' ? 'brand' : 'gray'}>
                          {conv.status}
                        </Badge>
                      </Table.Td>
                      <Table.Td pr="md">
                        <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                          {fmt(conv.lastMessageAt)}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </Grid.Col>
      </Grid>

      <ContactFormModal ws={ws.id} contact={c} opened={editing} onClose={() => setEditing(false)} />
      <EraseModal ws={ws.id} contact={c} opened={erasing} onClose={() => setErasing(false)} />
      <MergeModal ws={ws.id} contact={c} opened={merging} onClose={() => setMerging(false)} />
    </>
  );
}

function Fact({ label, value }: { label: string; value: string | null }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{value || '—'}</Text>
    </div>
  );
}

function OptOutCard({ ws, contact }: { ws: string; contact: ContactDetailDtoT }) {
  const update = useUpdateContact(ws, contact.id);
  return (
    <Card p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="md">
          Opt-out
        </Title>
        <Button
          size="xs"
          variant={contact.optedOut ? 'default' : 'light'}
          color={contact.optedOut ? undefined : 'red'}
          loading={update.isPending}
          onClick={() =>
            update.mutate(
              { optedOut: !contact.optedOut },
              {
                onSuccess: () => notifySuccess(contact.optedOut ? 'Opted back in.' : 'Marked as opted out.'),
                onError: (e) => notifyError(e),
              },
            )
          }
        >
          {contact.optedOut ? 'Opt back in' : 'Mark as opted out'}
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {contact.optedOut
          ? `Opted out ${fmt(contact.optedOutAt)}. Campaigns leave this contact out; you can still answer when they write.`
          : 'Receives campaigns. A reply such as STOP opts them out.'}
      </Text>
      {contact.optHistory.length ? (
        <Stack gap={4}>
          {contact.optHistory.map((e) => (
            <Text key={e.id} size="xs">
              <b>{e.optedOut ? 'Opted out' : 'Opted in'}</b> · {SOURCE[e.source] ?? e.source} {e.by?.name ?? ''} · {fmt(e.at)}
            </Text>
          ))}
        </Stack>
      ) : null}
    </Card>
  );
}

function EraseModal({ ws, contact, opened, onClose }: { ws: string; contact: ContactDetailDtoT; opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const erase = useEraseContact(ws, () => {
    notifySuccess('The contact and their messages were erased.');
    navigate(`/w/${ws}/contacts`);
  });
  const [typed, setTyped] = useState('');
  const expected = 'ERASE';
  return (
    <Modal opened={opened} onClose={onClose} title="Erase this contact?" size="md">
      <Stack gap="sm">
        <Alert color="red" variant="light">
          This permanently deletes <b>{contact.displayName}</b>, every message with them ({contact.conversations.length} conversation
          {contact.conversations.length === 1 ? '' : 's'}), their media files, notes, labels and opt-out history. The activity log keeps
          only that an erasure happened. It cannot be undone.
        </Alert>
        <Text size="sm">Download their data first if they asked for a copy. Type {expected} to confirm.</Text>
        <TextInput
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          placeholder={expected}
          aria-label="Type ERASE to confirm"
          data-autofocus
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            disabled={typed.trim().toUpperCase() !== expected}
            loading={erase.isPending}
            onClick={() => erase.mutate(contact.id, { onError: (e) => notifyError(e) })}
          >
            Erase permanently
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function MergeModal({ ws, contact, opened, onClose }: { ws: string; contact: ContactDetailDtoT; opened: boolean; onClose: () => void }) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [picked, setPicked] = useState<string | null>(null);
  const results = useContactSearch(ws, q);
  const merge = useMergeContacts(ws);
  const options = (results.data?.items ?? [])
    .filter((c) => c.id !== contact.id)
    .map((c) => ({ value: c.id, label: `${c.displayName}${c.phone ? ` · ${c.phone}` : ''}` }));
  return (
    <Modal opened={opened} onClose={onClose} title={`Merge a duplicate into ${contact.displayName}`} size="md">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          The duplicate’s conversations, messages, labels, field values and notes move to this contact, then the duplicate is deleted. Its
          phone number is not kept.
        </Text>
        <Select
          label="Duplicate contact"
          placeholder="Type a name or number"
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          data={options}
          value={picked}
          onChange={setPicked}
          nothingFoundMessage={q.trim().length < 2 ? 'Type at least two characters' : 'No other contact matches'}
          filter={({ options: o }) => o}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={!picked}
            loading={merge.isPending}
            leftSection={<IconArrowMerge size={16} />}
            onClick={() =>
              merge.mutate(
                { keepId: contact.id, mergeId: picked! },
                {
                  onSuccess: () => {
                    notifySuccess('Contacts merged.');
                    setPicked(null);
                    onClose();
                  },
                  onError: (e) => notifyError(e),
                },
              )
            }
          >
            Merge
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
