import { useEffect, useState } from 'react';
import { Badge, Button, Card, Group, Input, Menu, SegmentedControl, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAddressBook, IconDownload, IconFilterOff, IconPlus, IconSearch, IconSettings, IconUpload } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import type { ContactSortT } from '../../../contracts/contacts';
import { PageHeader } from '../../components/PageHeader';
import { EmptyHint, FullPageLoader, QueryError } from '../../components/States';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import { exportCsvUrl, NO_FILTERS, useContactFields, useContacts, useWorkspaceLabels, type ContactFilters } from './api';
import { ContactFormModal, OptedOutBadge } from './ContactForm';
import { ContactsSettingsModal } from './ContactsSettings';

const SORTS: Array<{ value: ContactSortT; label: string }> = [
  { value: 'name', label: 'Name A–Z' },
  { value: 'recent', label: 'Last seen' },
  { value: 'created', label: 'Newest first' },
];

const day = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

export default function ContactsPage() {
  const ws = useCurrentWorkspace();
  const navigate = useNavigate();
  const manager = ws.role === 'owner' || ws.role === 'admin';
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [filters, setFilters] = useState<ContactFilters>(NO_FILTERS);
  const [creating, setCreating] = useState(false);
  const [settings, setSettings] = useState<'fields' | 'opt-out' | null>(null);
  const effective = { ...filters, q };
  const contacts = useContacts(ws.id, effective);
  const labels = useWorkspaceLabels(ws.id);
  const fields = useContactFields(ws.id);

  useEffect(() => {
    document.title = `Contacts · ${ws.name} · WaSphere`;
  }, [ws.name]);

  const items = contacts.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = q.trim() !== '' || filters.labelId !== null || filters.optedOut !== 'any' || filters.fieldKey !== null;
  const fieldOf = (key: string | null) => (fields.data ?? []).find((f) => f.key === key);

  return (
    <>
      <PageHeader
        title="Contacts"
        description="Your customers, one per phone number, across every linked number."
        actions={
          <>
            {manager ? (
              <>
                <Button component={Link} to="import" variant="default" leftSection={<IconUpload size={16} />}>
                  Import CSV
                </Button>
                <Button
                  component="a"
                  href={exportCsvUrl(ws.id, effective)}
                  download
                  variant="default"
                  leftSection={<IconDownload size={16} />}
                >
                  Export CSV
                </Button>
                <Menu position="bottom-end">
                  <Menu.Target>
                    <Button variant="default" leftSection={<IconSettings size={16} />}>
                      Settings
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item onClick={() => setSettings('fields')}>Custom fields</Menu.Item>
                    <Menu.Item onClick={() => setSettings('opt-out')}>Opt-out keywords</Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              </>
            ) : null}
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New contact
            </Button>
          </>
        }
      />

      <Card p="md" mb="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Search"
            placeholder="Name or phone number"
            leftSection={<IconSearch size={16} />}
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={{ base: '100%', sm: 260 }}
            aria-label="Search contacts"
          />
          <Select
            label="Label"
            placeholder="Any label"
            data={(labels.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
            clearable
            searchable
            value={filters.labelId}
            onChange={(v) => setFilters((f) => ({ ...f, labelId: v }))}
            w={{ base: '100%', sm: 180 }}
          />
          {/* A wrapper, not a bare Text, so this label looks and sits like the inputs' labels beside it. */}
          <Input.Wrapper label="Opt-out" labelElement="div">
            <SegmentedControl
              aria-label="Opt-out"
              display="flex"
              value={filters.optedOut}
              onChange={(v) => setFilters((f) => ({ ...f, optedOut: v as ContactFilters['optedOut'] }))}
              data={[
                { value: 'any', label: 'All' },
                { value: 'no', label: 'Subscribed' },
                { value: 'yes', label: 'Opted out' },
              ]}
            />
          </Input.Wrapper>
          {(fields.data ?? []).length > 0 ? (
            <>
              <Select
                label="Field"
                placeholder="Any field"
                data={(fields.data ?? []).map((f) => ({ value: f.key, label: f.label }))}
                clearable
                value={filters.fieldKey}
                onChange={(v) => setFilters((f) => ({ ...f, fieldKey: v, fieldValue: '' }))}
                w={{ base: '100%', sm: 160 }}
              />
              {filters.fieldKey ? (
                fieldOf(filters.fieldKey)?.type === 'choice' ? (
                  <Select
                    label="is"
                    placeholder="Any value"
                    data={fieldOf(filters.fieldKey)!.options}
                    clearable
                    value={filters.fieldValue || null}
                    onChange={(v) => setFilters((f) => ({ ...f, fieldValue: v ?? '' }))}
                    w={150}
                  />
                ) : (
                  <TextInput
                    label="is"
                    placeholder="Any value"
                    value={filters.fieldValue}
                    onChange={(e) => setFilters((f) => ({ ...f, fieldValue: e.currentTarget.value }))}
                    w={150}
                  />
                )
              ) : null}
            </>
          ) : null}
          <Select
            label="Sort"
            data={SORTS}
            value={filters.sort}
            allowDeselect={false}
            onChange={(v) => setFilters((f) => ({ ...f, sort: (v as ContactSortT) ?? 'name' }))}
            w={{ base: '100%', sm: 150 }}
          />
          {filtered ? (
            <Button
              variant="subtle"
              color="gray"
              leftSection={<IconFilterOff size={16} />}
              onClick={() => {
                setSearch('');
                setFilters((f) => ({ ...NO_FILTERS, sort: f.sort }));
              }}
            >
              Clear
            </Button>
          ) : null}
        </Group>
      </Card>

      <Card p={0}>
        {contacts.isPending ? (
          <FullPageLoader />
        ) : contacts.isError ? (
          <Stack p="md">
            <QueryError error={contacts.error} onRetry={() => void contacts.refetch()} />
          </Stack>
        ) : items.length === 0 ? (
          <EmptyHint icon={<IconAddressBook size={22} />} title={filtered ? 'No contacts match' : 'No contacts yet'}>
            {filtered
              ? 'Try another name, number or filter.'
              : 'Customers who write to your numbers appear here by themselves. You can also add one, or import a CSV file.'}
          </EmptyHint>
        ) : (
          <Table.ScrollContainer minWidth={720} type="native">
            <Table highlightOnHover data-testid="contacts-table">
              <Table.Thead bg="gray.0">
                <Table.Tr>
                  <Table.Th pl="md">Name</Table.Th>
                  <Table.Th>Phone</Table.Th>
                  <Table.Th>Labels</Table.Th>
                  <Table.Th>Last seen</Table.Th>
                  <Table.Th pr="md">Status</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.id} style={{ cursor: 'pointer' }} onClick={() => navigate(c.id)}>
                    <Table.Td pl="md">
                      <Text component={Link} to={c.id} size="sm" fw={600} c="dark" onClick={(e) => e.stopPropagation()}>
                        {c.displayName}
                      </Text>
                      {c.name && c.pushName && c.pushName !== c.name ? (
                        <Text size="xs" c="dimmed">
                          WhatsApp: {c.pushName}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>
                        {c.phone ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {c.labels.map((l) => (
                          <Badge key={l.id} color={l.color} variant="light" size="sm">
                            {l.name}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={c.lastSeenAt ? undefined : 'dimmed'} style={{ whiteSpace: 'nowrap' }}>
                        {c.lastSeenAt ? day.format(new Date(c.lastSeenAt)) : 'Never wrote'}
                      </Text>
                    </Table.Td>
                    <Table.Td pr="md">{c.optedOut ? <OptedOutBadge /> : null}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {contacts.hasNextPage ? (
        <Group justify="center" mt="md">
          <Button variant="default" loading={contacts.isFetchingNextPage} onClick={() => void contacts.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      ) : null}

      <ContactFormModal ws={ws.id} opened={creating} onClose={() => setCreating(false)} onSaved={(c) => navigate(c.id)} />
      {settings ? <ContactsSettingsModal ws={ws.id} opened onClose={() => setSettings(null)} tab={settings} /> : null}
    </>
  );
}
