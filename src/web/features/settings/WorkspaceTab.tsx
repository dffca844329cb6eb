import { useEffect, useMemo } from 'react';
import { Alert, Button, Group, NumberInput, Select, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconLock } from '@tabler/icons-react';
import type { UpdateWorkspaceBodyT, WorkspaceDtoT } from '../../../contracts/workspaces';
import { ApiError } from '../../api/client';
import { notifyError, notifySuccess } from '../../api/notify';
import { FullPageLoader, QueryError } from '../../components/States';
import { canManage, useUpdateWorkspace, useWorkspace } from '../workspace/api';
import { DeleteWorkspaceSection, MessageRetentionSection } from '../privacy/WorkspacePrivacy';
import { InboxSettingsSection } from './InboxSettingsSection';
import { SettingsSection } from './SettingsSection';
import { countryOptions, timeZoneOptions } from './zones';

interface Values {
  name: string;
  timeZone: string;
  country: string;
  logRetentionDays: number | string;
}

const toValues = (w: WorkspaceDtoT): Values => ({
  name: w.name,
  timeZone: w.timeZone,
  country: w.country,
  logRetentionDays: w.logRetentionDays,
});

function WorkspaceForm({ ws }: { ws: WorkspaceDtoT }) {
  const editable = canManage(ws.role);
  const update = useUpdateWorkspace(ws.id);
  const zones = useMemo(() => timeZoneOptions(ws.timeZone), [ws.timeZone]);
  const countries = useMemo(() => {
    const list = countryOptions();
    return ws.country && !list.some((c) => c.value === ws.country) ? [{ value: ws.country, label: ws.country }, ...list] : list;
  }, [ws.country]);

  const form = useForm<Values>({
    mode: 'controlled',
    initialValues: toValues(ws),
    validate: {
      name: (v) => (v.trim() ? (v.trim().length > 120 ? 'At most 120 characters' : null) : 'Enter a name'),
      timeZone: (v) => (v ? null : 'Choose a time zone'),
      logRetentionDays: (v) => {
        const n = typeof v === 'number' ? v : Number(v);
        return Number.isInteger(n) && n >= 1 && n <= 3650 ? null : 'A whole number of days from 1 to 3650';
      },
    },
  });

  useEffect(() => {
    form.setInitialValues(toValues(ws));
    form.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ws.name, ws.timeZone, ws.country, ws.logRetentionDays]);

  return (
    <SettingsSection
      title="Workspace"
      description="Settings for this store or brand. The time zone is used for business hours and sending windows."
    >
      {!editable ? (
        <Alert variant="light" color="gray" icon={<IconLock size={18} />} mb="lg">
          Only owners and admins can change workspace settings.
        </Alert>
      ) : null}
      <form
        onSubmit={form.onSubmit((v) => {
          const body: UpdateWorkspaceBodyT = {};
          if (v.name.trim() !== ws.name) body.name = v.name.trim();
          if (v.timeZone !== ws.timeZone) body.timeZone = v.timeZone;
          if (v.country && v.country !== ws.country) body.country = v.country;
          const days = Number(v.logRetentionDays);
          if (days !== ws.logRetentionDays) body.logRetentionDays = days;
          if (Object.keys(body).length === 0) return;
          update.mutate(body, {
            onSuccess: () => notifySuccess('Workspace settings saved.'),
            onError: (err) => {
              if (err instanceof ApiError && err.code === 'validation_failed' && Object.keys(err.fieldErrors).length) {
                form.setErrors(err.fieldErrors);
              } else notifyError(err, 'Could not save the workspace settings');
            },
          });
        })}
      >
        <Stack maw={480}>
          <TextInput label="Workspace name" readOnly={!editable} {...form.getInputProps('name')} />
          <Select
            label="Time zone"
            data={zones}
            searchable
            limit={60}
            nothingFoundMessage="No matching time zone"
            readOnly={!editable}
            allowDeselect={false}
            {...form.getInputProps('timeZone')}
          />
          <Select
            label="Default country"
            description="Used for phone numbers typed without a country code."
            data={countries}
            searchable
            limit={60}
            nothingFoundMessage="No matching country"
            readOnly={!editable}
            allowDeselect={false}
            {...form.getInputProps('country')}
          />
          <NumberInput
            label="Activity log retention (days)"
            description="Older entries are deleted automatically. From 1 to 3650 days; 30 by default."
            min={1}
            max={3650}
            allowDecimal={false}
            allowNegative={false}
            clampBehavior="none"
            readOnly={!editable}
            maw={260}
            {...form.getInputProps('logRetentionDays')}
          />
          {editable ? (
            <Group>
              <Button type="submit" loading={update.isPending} disabled={!form.isDirty()}>
                Save workspace settings
              </Button>
            </Group>
          ) : null}
        </Stack>
      </form>
    </SettingsSection>
  );
}

export function WorkspaceTab({ workspaceId }: { workspaceId: string }) {
  const ws = useWorkspace(workspaceId);
  if (ws.isPending) return <FullPageLoader />;
  if (ws.isError) return <QueryError error={ws.error} onRetry={() => void ws.refetch()} />;
  return (
    <Stack gap="lg">
      <WorkspaceForm ws={ws.data} />
      <InboxSettingsSection ws={ws.data} />
      <MessageRetentionSection ws={ws.data} />
      <DeleteWorkspaceSection ws={ws.data} />
    </Stack>
  );
}
