import { useState } from 'react';
import { Badge, Button, Group, Modal, MultiSelect, NumberInput, Select, Stack, Switch, TextInput, Textarea, Tooltip } from '@mantine/core';
import { IconBan } from '@tabler/icons-react';
import type { ContactDtoT, ContactFieldDtoT, FieldValueT } from '../../../contracts/contacts';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { useContactFields, useCreateContact, useUpdateContact, useWorkspaceLabels } from './api';

export function OptedOutBadge({ size = 'sm' }: { size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Tooltip label="This customer asked not to receive bulk messages. Campaigns leave them out." openDelay={300}>
      <Badge color="red" variant="light" size={size} leftSection={<IconBan size={12} />} data-testid="opted-out-badge">
        Opted out
      </Badge>
    </Tooltip>
  );
}

/** One input per custom field, by type. */
export function FieldInput({
  field,
  value,
  onChange,
  error,
}: {
  field: ContactFieldDtoT;
  value: FieldValueT | null | undefined;
  onChange: (v: FieldValueT | null) => void;
  error?: string | undefined;
}) {
  if (field.type === 'number') {
    return (
      <NumberInput
        label={field.label}
        value={typeof value === 'number' ? value : value ? Number(value) : ''}
        onChange={(v) => onChange(v === '' ? null : Number(v))}
        error={error}
        decimalSeparator="."
      />
    );
  }
  if (field.type === 'choice') {
    return (
      <Select
        label={field.label}
        data={field.options}
        value={value ? String(value) : null}
        onChange={(v) => onChange(v)}
        clearable
        error={error}
      />
    );
  }
  if (field.type === 'date') {
    return (
      <TextInput
        label={field.label}
        type="date"
        value={value ? String(value) : ''}
        onChange={(e) => onChange(e.currentTarget.value || null)}
        error={error}
      />
    );
  }
  return (
    <TextInput
      label={field.label}
      value={value ? String(value) : ''}
      onChange={(e) => onChange(e.currentTarget.value || null)}
      error={error}
    />
  );
}

/** Create (no `contact`) or edit a contact. */
export function ContactFormModal({
  ws,
  contact,
  opened,
  onClose,
  onSaved,
}: {
  ws: string;
  contact?: ContactDtoT;
  opened: boolean;
  onClose: () => void;
  onSaved?: (c: ContactDtoT) => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={contact ? 'Edit contact' : 'New contact'} size="lg">
      {opened ? <ContactForm ws={ws} contact={contact} onDone={(c) => (onSaved?.(c), onClose())} onCancel={onClose} /> : null}
    </Modal>
  );
}

function ContactForm({
  ws,
  contact,
  onDone,
  onCancel,
}: {
  ws: string;
  contact?: ContactDtoT | undefined;
  onDone: (c: ContactDtoT) => void;
  onCancel: () => void;
}) {
  const fields = useContactFields(ws);
  const labels = useWorkspaceLabels(ws);
  const create = useCreateContact(ws);
  const update = useUpdateContact(ws, contact?.id ?? '');
  const [phone, setPhone] = useState('');
  const [name, setName] = useState(contact?.name ?? '');
  const [notes, setNotes] = useState(contact?.notes ?? '');
  const [labelIds, setLabelIds] = useState<string[]>(contact?.labels.map((l) => l.id) ?? []);
  const [values, setValues] = useState<Record<string, FieldValueT | null>>(contact?.fields ?? {});
  const [optedOut, setOptedOut] = useState(contact?.optedOut ?? false);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function save() {
    setErrors({});
    const changedFields = Object.fromEntries(Object.entries(values).filter(([k, v]) => (contact?.fields[k] ?? null) !== v));
    try {
      const saved = contact
        ? await update.mutateAsync({
            name: name.trim() || null,
            notes: notes.trim() || null,
            labelIds,
            ...(Object.keys(changedFields).length ? { fields: changedFields } : {}),
            ...(optedOut !== contact.optedOut ? { optedOut } : {}),
          })
        : await create.mutateAsync({
            phone,
            ...(name.trim() ? { name: name.trim() } : {}),
            ...(notes.trim() ? { notes: notes.trim() } : {}),
            ...(labelIds.length ? { labelIds } : {}),
            ...(Object.keys(changedFields).length ? { fields: changedFields } : {}),
            ...(optedOut ? { optedOut } : {}),
          });
      notifySuccess(contact ? 'Contact saved.' : 'Contact created.');
      onDone(saved);
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fieldErrors).length > 0) setErrors(err.fieldErrors);
      else if (err instanceof ApiError && err.code === 'invalid_phone') setErrors({ phone: err.message });
      else notifyError(err);
    }
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack gap="sm">
        {contact ? (
          <TextInput label="Phone" value={contact.phone ?? 'Known to WhatsApp by an id only'} disabled />
        ) : (
          <TextInput
            label="Phone"
            placeholder="+44 7700 900123"
            description="International format, or a local number of the workspace country."
            required
            data-autofocus
            value={phone}
            onChange={(e) => setPhone(e.currentTarget.value)}
            error={errors.phone}
          />
        )}
        <TextInput
          label="Name"
          placeholder={contact?.savedName ?? contact?.pushName ?? 'Name'}
          description={contact?.pushName ? `WhatsApp name: ${contact.pushName}` : undefined}
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errors.name}
        />
        <MultiSelect
          label="Labels"
          data={(labels.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
          value={labelIds}
          onChange={setLabelIds}
          searchable
          clearable
          placeholder={labels.data?.length ? 'Pick labels' : 'No labels yet (create them in the inbox)'}
          error={errors.labelIds}
        />
        {(fields.data ?? []).map((f) => (
          <FieldInput
            key={f.id}
            field={f}
            value={values[f.key]}
            onChange={(v) => setValues((old) => ({ ...old, [f.key]: v }))}
            error={errors[`fields.${f.key}`]}
          />
        ))}
        <Textarea
          label="Notes"
          autosize
          minRows={2}
          maxRows={8}
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
          error={errors.notes}
        />
        <Switch
          label="Opted out of bulk messages"
          description="Campaigns leave this contact out. Replies in a conversation they start stay possible."
          checked={optedOut}
          onChange={(e) => setOptedOut(e.currentTarget.checked)}
        />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending || update.isPending}>
            {contact ? 'Save' : 'Create contact'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
