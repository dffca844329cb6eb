/**
 * Contacts at 100,000:
 * - CSV import of 100,000 rows (upload → commit → done), with the process's peak
 *   RSS over the import next to its RSS before (the file is streamed, so memory
 *   should stay flat whatever the file size);
 * - CSV export of the 100,000, streamed over HTTP;
 * - contact list search latency (p50/p95) with 100,000 contacts in the workspace.
 *
 *   npx tsx bench/contacts.ts
 *   BENCH_DIALECT=postgres npx tsx bench/contacts.ts
 *   BENCH_CONTACTS=20000 npx tsx bench/contacts.ts
 *
 * Run with a collectable heap to see what the import leaves live (the peak RSS is
 * mostly garbage V8 lets build up before its next full collection):
 *
 *   node --expose-gc --import tsx bench/contacts.ts
 */
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { ContactImportDtoT } from '../src/contracts/contacts.js';

const COUNT = Number(process.env.BENCH_CONTACTS ?? 100_000);
const DIALECT = process.env.BENCH_DIALECT === 'postgres' ? 'postgres' : 'sqlite';
process.env.WASPHERE_TEST_DIALECT = DIALECT;

const { createTestApp } = await import('../test/support/app.js');
const { firstOwner } = await import('../test/support/factories.js');
const { multipartFile, waitForImport } = await import('../test/support/contacts.js');

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const FIRST = ['Ada', 'Grace', 'Alan', 'Linus', 'Barbara', 'Edsger', 'Donald', 'Margaret', 'Ken', 'Radia', 'Tim', 'Frances'];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Torvalds',
  'Liskov',
  'Dijkstra',
  'Knuth',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Berners',
  'Allen',
];

function csvOf(n: number): string {
  const lines = ['Phone,Name,Labels,City'];
  for (let i = 0; i < n; i++) {
    const phone = `+44 74${String(i).padStart(8, '0')}`;
    const name = `${FIRST[i % FIRST.length]} ${LAST[Math.floor(i / FIRST.length) % LAST.length]} ${i}`;
    lines.push(`${phone},${name},${i % 10 === 0 ? 'Wholesale' : ''},${i % 3 === 0 ? 'Paris' : 'Lyon'}`);
  }
  return lines.join('\n') + '\n';
}

/** Samples RSS every few milliseconds until stopped; the peak is what the OS had to give. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const t = await createTestApp();
try {
  const owner = await firstOwner(t.app);
  const base = `/api/v1/workspaces/${owner.workspaceId}`;
  await t.app.inject({ method: 'PATCH', url: base, headers: { cookie: owner.cookie }, payload: { country: 'GB' } });
  await t.app.inject({
    method: 'POST',
    url: `${base}/contact-fields`,
    headers: { cookie: owner.cookie },
    payload: { key: 'city', label: 'City', type: 'text' },
  });

  // -- import ------------------------------------------------------------------
  const { payload, headers } = multipartFile(csvOf(COUNT), 'bench.csv');
  console.log(`${DIALECT}: ${COUNT.toLocaleString('en')} contacts, CSV of ${mb(payload.length)}`);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const sampler = rssSampler();
  const started = performance.now();
  const upload = await t.app.inject({
    method: 'POST',
    url: `${base}/contacts/import`,
    headers: { ...headers, cookie: owner.cookie },
    payload,
  });
  if (upload.statusCode !== 201) throw new Error(`upload ${upload.statusCode}: ${upload.body}`);
  const id = upload.json<ContactImportDtoT>().id;
  const uploaded = performance.now();
  const mapping = { Phone: 'phone', Name: 'name', Labels: 'labels', City: 'field:city' };
  const commit = await t.app.inject({
    method: 'POST',
    url: `${base}/contacts/import/${id}/commit`,
    headers: { cookie: owner.cookie },
    payload: { mapping },
  });
  if (commit.statusCode !== 202) throw new Error(`commit ${commit.statusCode}: ${commit.body}`);
  const done = await waitForImport(t.app, owner.cookie, owner.workspaceId, id, 600_000, 500);
  const finished = performance.now();
  const peak = sampler.stop();
  if (done.status !== 'done' || done.created !== COUNT) throw new Error(`import ended ${JSON.stringify(done)}`);
  console.log(
    `import: ${((finished - started) / 1000).toFixed(2)} s (upload and preview ${((uploaded - started) / 1000).toFixed(2)} s), ` +
      `${Math.round(COUNT / ((finished - started) / 1000)).toLocaleString('en')} rows/s; RSS ${mb(rssBefore)} before, peak ${mb(peak)} (+${mb(peak - rssBefore)})`,
  );
  if (global.gc) {
    global.gc();
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(`import: live heap after a full collection ${mb(heapAfter)}, ${mb(heapBefore)} before (+${mb(heapAfter - heapBefore)})`);
  }

  // -- export, streamed over a real socket ---------------------------------------
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (t.app.server.address() as AddressInfo).port;
  const exportSampler = rssSampler();
  const rssBeforeExport = process.memoryUsage().rss;
  const exportStarted = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}${base}/contacts/export`, { headers: { cookie: owner.cookie } });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) lines += 1;
  }
  const exportMs = performance.now() - exportStarted;
  const exportPeak = exportSampler.stop();
  console.log(
    `export: ${(exportMs / 1000).toFixed(2)} s for ${(lines - 1).toLocaleString('en')} rows, ${mb(bytes)}; RSS ${mb(rssBeforeExport)} before, peak ${mb(exportPeak)}`,
  );

  // -- list and search -------------------------------------------------------------
  // Each kind of request the contacts page makes, timed separately: the overall p95 hides which kind is slow.
  const kinds: Array<{ kind: string; queries: string[] }> = [
    { kind: 'first name', queries: Array.from({ length: 40 }, (_, i) => `q=${encodeURIComponent(FIRST[i % FIRST.length]!)}`) },
    {
      kind: 'last name + number',
      queries: Array.from({ length: 40 }, (_, i) => `q=${encodeURIComponent(`${LAST[i % LAST.length]} ${i * 997}`)}`),
    },
    {
      kind: 'phone digits',
      queries: Array.from(
        { length: 40 },
        (_, i) =>
          `q=${encodeURIComponent(
            `74${String(i * 2311)
              .padStart(8, '0')
              .slice(0, 6)}`,
          )}`,
      ),
    },
    {
      kind: 'full phone',
      queries: Array.from({ length: 40 }, (_, i) => `q=${encodeURIComponent(`+44 74${String(i * 2477).padStart(8, '0')}`)}`),
    },
    { kind: 'sort name', queries: Array.from({ length: 20 }, () => 'sort=name') },
    { kind: 'sort recent', queries: Array.from({ length: 20 }, () => 'sort=recent') },
    { kind: 'field filter', queries: Array.from({ length: 20 }, () => 'fieldKey=city&fieldValue=Paris&sort=created') },
    { kind: 'opted-out filter', queries: Array.from({ length: 20 }, () => 'optedOut=false&sort=name') },
  ];
  const timings: number[] = [];
  const byKind = new Map<string, number[]>();
  // This process's CPU time per kind: less swayed by other work on the machine than wall time
  // (with SQLite it includes the queries; PostgreSQL's own work is in its server process).
  const cpuByKind = new Map<string, number>();
  for (let round = 0; round < 2; round++) {
    for (const { kind, queries } of kinds) {
      const cpuStart = process.cpuUsage();
      for (const q of queries) {
        const s = performance.now();
        const r = await t.app.inject({ method: 'GET', url: `${base}/contacts?${q}&limit=50`, headers: { cookie: owner.cookie } });
        const ms = performance.now() - s;
        if (r.statusCode !== 200) throw new Error(`list ${q}: ${r.statusCode} ${r.body}`);
        if (round === 1) {
          timings.push(ms);
          byKind.set(kind, [...(byKind.get(kind) ?? []), ms]);
        }
      }
      const cpu = process.cpuUsage(cpuStart);
      if (round === 1) cpuByKind.set(kind, (cpu.user + cpu.system) / 1000 / queries.length);
    }
  }
  const summary = (list: number[]) => {
    const sorted = [...list].sort((a, b) => a - b);
    return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
  };
  console.log(`list/search (${timings.length} requests through HTTP inject, 50 per page): ${summary(timings)}`);
  for (const [kind, list] of byKind) {
    console.log(
      `  ${kind.padEnd(20)} ${String(list.length).padStart(3)} requests: ${summary(list)}; CPU ${cpuByKind.get(kind)!.toFixed(1)} ms per request`,
    );
  }
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
} finally {
  await t.close();
}
