import { useEffect, useMemo, useState } from 'react';
import {
  Alert,
  Anchor,
  Button,
  Card,
  FileInput,
  Group,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Stepper,
  Table,
  Text,
  ThemeIcon,
} from '@mantine/core';
import { IconAlertCircle, IconArrowLeft, IconCheck, IconDownload, IconFileTypeCsv } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { ContactImportDtoT } from '../../../contracts/contacts';
import { errorMessage } from '../../api/client';
import { notifyError } from '../../api/notify';
import { PageHeader } from '../../components/PageHeader';
import { useCurrentWorkspace } from '../shell/useCurrentWorkspace';
import { commitImport, importReportUrl, uploadImport, useContactFields, useImport } from './api';

const DELIMITERS: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

export default function ImportPage() {
  const ws = useCurrentWorkspace();
  const qc = useQueryClient();
  const fields = useContactFields(ws.id);
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [preview, setPreview] = useState<ContactImportDtoT | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [started, setStarted] = useState(false);
  const progress = useImport(ws.id, started ? (preview?.id ?? null) : null, started);
  const state = progress.data;
  const finished = state?.status === 'done' || state?.status === 'failed';
  const step = !preview ? 0 : !started ? 1 : !finished ? 2 : 3;

  useEffect(() => {
    document.title = `Import contacts · ${ws.name} · WaSphere`;
  }, [ws.name]);
  useEffect(() => {
    if (state?.status === 'done') void qc.invalidateQueries({ queryKey: ['workspace', ws.id, 'contacts'] });
  }, [state?.status, qc, ws.id]);

  const targets = useMemo(
    () => [
      { value: 'ignore', label: 'Do not import' },
      { value: 'phone', label: 'Phone' },
      { value: 'name', label: 'Name' },
      { value: 'labels', label: 'Labels (separated by , ; or |)' },
      { value: 'notes', label: 'Notes' },
      { value: 'opted_out', label: 'Opted out (yes / no)' },
      ...(fields.data ?? []).map((f) => ({ value: `field:${f.key}`, label: `Field: ${f.label}` })),
    ],
    [fields.data],
  );
  const phoneMapped = Object.values(mapping).includes('phone');

  async function upload() {
    if (!file) return;
    setUploading(true);
    setUploadError(null);
    try {
      const result = await uploadImport(ws.id, file);
      setPreview(result);
      setMapping(result.suggestedMapping);
    } catch (err) {
      setUploadError(errorMessage(err));
    } finally {
      setUploading(false);
    }
  }

  async function start() {
    if (!preview) return;
    try {
      await commitImport(ws.id, preview.id, mapping);
      setStarted(true);
    } catch (err) {
      notifyError(err, 'The import could not start');
    }
  }

  function reset() {
    setFile(null);
    setPreview(null);
    setMapping({});
    setStarted(false);
  }

  return (
    <>
      <Anchor component={Link} to=".." relative="path" size="sm" mb="sm" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
        <IconArrowLeft size={14} /> All contacts
      </Anchor>
      <PageHeader title="Import contacts" description="From a CSV file: one contact per row, with a phone number in one of the columns." />

      <Stepper active={step} mb="lg" size="sm" allowNextStepsSelect={false}>
        <Stepper.Step label="Upload" description="Choose a CSV file" />
        <Stepper.Step label="Columns" description="Say what each column is" />
        <Stepper.Step label="Import" description="All rows, or none" />
        <Stepper.Step label="Report" description="What was imported" />
      </Stepper>

      {step === 0 ? (
        <Card p="lg" maw={640}>
          <Stack gap="md">
            <FileInput
              label="CSV file"
              placeholder="Choose a file"
              accept=".csv,text/csv,text/plain"
              leftSection={<IconFileTypeCsv size={18} />}
              value={file}
              onChange={setFile}
              clearable
              data-testid="import-file"
            />
            <Text size="sm" c="dimmed">
              Comma, semicolon and tab separated files work, including “CSV UTF-8” from Excel, Numbers or Google Sheets. The first row must
              name the columns. Phone numbers without a country code are read as numbers of this workspace’s country. A phone that is
              already a contact updates that contact.
            </Text>
            {uploadError ? (
              <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="This file cannot be imported">
                {uploadError}
              </Alert>
            ) : null}
            <Group>
              <Button onClick={() => void upload()} disabled={!file} loading={uploading}>
                Upload and preview
              </Button>
            </Group>
          </Stack>
        </Card>
      ) : null}

      {step === 1 && preview ? (
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {preview.fileName ?? 'File'} · {Math.max(1, Math.round(preview.size / 1024))} KB · separated by{' '}
            {DELIMITERS[preview.delimiter] ?? preview.delimiter}. Map at least the phone column; columns set to “Do not import” are skipped.
          </Text>
          <Card p={0}>
            <Table.ScrollContainer minWidth={Math.max(600, preview.headers.length * 180)} type="native">
              <Table withColumnBorders data-testid="import-mapping">
                <Table.Thead bg="gray.0">
                  <Table.Tr>
                    {preview.headers.map((h) => (
                      <Table.Th key={h} miw={170}>
                        <Stack gap={6} py={4}>
                          <Text size="sm" fw={600}>
                            {h}
                          </Text>
                          <Select
                            size="xs"
                            data={targets}
                            value={mapping[h] ?? 'ignore'}
                            allowDeselect={false}
                            onChange={(v) => setMapping((m) => ({ ...m, [h]: v ?? 'ignore' }))}
                            aria-label={`Column ${h}`}
                          />
                        </Stack>
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {preview.preview.map((row, i) => (
                    <Table.Tr key={i}>
                      {preview.headers.map((h, j) => (
                        <Table.Td key={h} c={mapping[h] === 'ignore' ? 'dimmed' : undefined}>
                          <Text size="sm" lineClamp={2}>
                            {row[j] ?? ''}
                          </Text>
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
          <Group>
            <Button variant="default" onClick={reset}>
              Choose another file
            </Button>
            <Button onClick={() => void start()} disabled={!phoneMapped}>
              Import contacts
            </Button>
            {!phoneMapped ? (
              <Text size="sm" c="red">
                Map one column to Phone.
              </Text>
            ) : null}
          </Group>
        </Stack>
      ) : null}

      {step === 2 ? (
        <Card p="lg" maw={640}>
          <Stack gap="sm">
            <Text fw={600}>Importing…</Text>
            <Progress value={state && state.size > 0 ? Math.min(100, (100 * state.bytesRead) / state.size) : 5} animated />
            <Text size="sm" c="dimmed">
              {state ? `${state.processed.toLocaleString()} rows read` : 'Starting'}. Contacts change only when every row has been read: if
              anything goes wrong, nothing is imported.
            </Text>
          </Stack>
        </Card>
      ) : null}

      {step === 3 && state ? (
        <Card p="lg" maw={720} data-testid="import-report">
          {state.status === 'done' ? (
            <Stack gap="md">
              <Group gap="sm">
                <ThemeIcon color="brand" radius="xl" variant="light">
                  <IconCheck size={18} />
                </ThemeIcon>
                <Text fw={600}>Import finished</Text>
              </Group>
              <SimpleGrid cols={{ base: 2, sm: 4 }}>
                <Count label="New contacts" value={state.created} />
                <Count label="Updated" value={state.updated} />
                <Count label="Merged rows" value={state.merged} hint="Same phone as an earlier row" />
                <Count label="Rejected rows" value={state.rejected} color={state.rejected ? 'red' : undefined} />
              </SimpleGrid>
              {state.rejected > 0 ? (
                <Alert
                  color="yellow"
                  variant="light"
                  title={`${state.rejected} row${state.rejected === 1 ? ' was' : 's were'} not imported`}
                >
                  <Stack gap="xs" align="flex-start">
                    <Text size="sm">
                      The report lists each rejected row with the reason. Fix them in the file and import it again: rows already imported
                      are updated, not duplicated.
                    </Text>
                    <Button
                      component="a"
                      href={importReportUrl(ws.id, state.id)}
                      download
                      size="xs"
                      variant="white"
                      leftSection={<IconDownload size={14} />}
                    >
                      Download rejected rows
                    </Button>
                  </Stack>
                </Alert>
              ) : null}
            </Stack>
          ) : (
            <Alert color="red" variant="light" icon={<IconAlertCircle size={18} />} title="The import failed">
              {state.error ?? 'Nothing was imported.'}
            </Alert>
          )}
          <Group mt="md">
            <Button component={Link} to=".." relative="path">
              Go to contacts
            </Button>
            <Button variant="default" onClick={reset}>
              Import another file
            </Button>
          </Group>
        </Card>
      ) : null}
    </>
  );
}

function Count({ label, value, hint, color }: { label: string; value: number; hint?: string; color?: string | undefined }) {
  return (
    <div>
      <Text size="xl" fw={700} c={color}>
        {value.toLocaleString()}
      </Text>
      <Text size="sm">{label}</Text>
      {hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </div>
  );
}
