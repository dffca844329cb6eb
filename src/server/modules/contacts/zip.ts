/**
 * A streaming ZIP writer (stored entries, no compression) on node's own APIs:
 * sizes and CRC-32 follow each entry in a data descriptor, so media files are
 * streamed from disk without being read whole. ZIP because every desktop
 * system opens it without extra software; no package needed for it.
 * Limits: under 4 GiB and 65,535 entries (no ZIP64), ample for one contact.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

interface Entry {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  dosTime: number;
  dosDate: number;
}

function dosDateTime(date: Date): { dosTime: number; dosDate: number } {
  const year = Math.max(1980, date.getUTCFullYear());
  return {
    dosTime: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    dosDate: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/** Yields the bytes of a ZIP file holding `files`, in order. */
export async function* zipStream(
  files: AsyncIterable<{ name: string; content: Buffer | string | { path: string } }>,
  at: Date = new Date(),
): AsyncGenerator<Buffer> {
  const entries: Entry[] = [];
  let offset = 0;
  const { dosTime, dosDate } = dosDateTime(at);
  for await (const file of files) {
    const name = Buffer.from(file.name.replace(/^\/+/, ''), 'utf8');
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4); // version needed
    header.writeUInt16LE(0x0808, 6); // data descriptor follows; names are UTF-8
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt16LE(dosTime, 10);
    header.writeUInt16LE(dosDate, 12);
    // crc and sizes are 0 here and given in the data descriptor
    header.writeUInt16LE(name.length, 26);
    header.writeUInt16LE(0, 28);
    const entry: Entry = { name, crc: 0, size: 0, offset, dosTime, dosDate };
    yield header;
    yield name;
    offset += header.length + name.length;
    const chunks: AsyncIterable<Buffer> | Buffer[] =
      typeof file.content === 'string'
        ? [Buffer.from(file.content, 'utf8')]
        : Buffer.isBuffer(file.content)
          ? [file.content]
          : (fs.createReadStream(file.content.path) as AsyncIterable<Buffer>);
    for await (const chunk of chunks) {
      entry.crc = zlib.crc32(chunk, entry.crc);
      entry.size += chunk.length;
      yield chunk;
    }
    offset += entry.size;
    const descriptor = Buffer.alloc(16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(entry.crc >>> 0, 4);
    descriptor.writeUInt32LE(entry.size, 8);
    descriptor.writeUInt32LE(entry.size, 12);
    yield descriptor;
    offset += descriptor.length;
    entries.push(entry);
  }
  const central: Buffer[] = [];
  for (const e of entries) {
    const h = Buffer.alloc(46);
    h.writeUInt32LE(0x02014b50, 0);
    h.writeUInt16LE(0x0314, 4); // made by: unix, 2.0
    h.writeUInt16LE(20, 6);
    h.writeUInt16LE(0x0808, 8);
    h.writeUInt16LE(0, 10);
    h.writeUInt16LE(e.dosTime, 12);
    h.writeUInt16LE(e.dosDate, 14);
    h.writeUInt32LE(e.crc >>> 0, 16);
    h.writeUInt32LE(e.size, 20);
    h.writeUInt32LE(e.size, 24);
    h.writeUInt16LE(e.name.length, 28);
    h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
    h.writeUInt32LE(e.offset, 42);
    central.push(h, e.name);
  }
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  yield centralBytes;
  yield end;
}
