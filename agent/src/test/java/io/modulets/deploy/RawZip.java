package io.modulets.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Zip files written byte by byte, for what no zip tool writes: a header that lies about an entry's
 * size, several entries that point at one stream, an entry that inflates to a gigabyte from a
 * megabyte (made of one compressed megabyte of zeros repeated, without deflating a gigabyte).
 */
public final class RawZip {
    /** One deflated stream: its bytes, CRC and inflated size. */
    public record Stream(byte[] deflated, long crc, long size) {
    }

    private record Entry(String name, int stream, long size) {
    }

    private final List<Stream> streams = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();

    /** Adds a stream; entries point at it by the index returned. */
    public int stream(Stream stream) {
        streams.add(stream);
        return streams.size() - 1;
    }

    /** An entry named {@code name} reading stream {@code stream}, whose header gives {@code size}. */
    public RawZip entry(String name, int stream, long size) {
        entries.add(new Entry(name, stream, size));
        return this;
    }

    public RawZip entry(String name, int stream) {
        return entry(name, stream, streams.get(stream).size());
    }

    /** {@code megabytes} MiB of zeros, deflated as one megabyte's output repeated: quick for any size. */
    public static Stream zeros(int megabytes) {
        byte[] mib = new byte[1 << 20];
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(mib);
        byte[] block = drain(deflater, Deflater.FULL_FLUSH); // references nothing before it: repeatable
        deflater.finish();
        byte[] end = drain(deflater, Deflater.NO_FLUSH);
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream(block.length * megabytes + end.length);
        CRC32 crc = new CRC32();
        for (int i = 0; i < megabytes; i++) {
            out.writeBytes(block);
            crc.update(mib);
        }
        out.writeBytes(end);
        return new Stream(out.toByteArray(), crc.getValue(), (long) megabytes << 20);
    }

    /** {@code bytes}, deflated. */
    public static Stream of(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(bytes);
        deflater.finish();
        byte[] deflated = drain(deflater, Deflater.NO_FLUSH);
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return new Stream(deflated, crc.getValue(), bytes.length);
    }

    /** With a flush: until the output is flushed; without (after finish()): until the stream ends. */
    private static byte[] drain(Deflater deflater, int flush) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 << 10];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, flush);
            out.write(buffer, 0, n);
        } while (flush == Deflater.NO_FLUSH ? !deflater.finished() : n == buffer.length);
        return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes());
        }
        return file;
    }

    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] offsets = new long[streams.size()];
        for (int i = 0; i < streams.size(); i++) {
            // Each stream's local header names the first entry that reads it.
            int index = i;
            Entry first = entries.stream().filter(e -> e.stream() == index).findFirst().orElseThrow();
            offsets[i] = out.size();
            Stream s = streams.get(i);
            byte[] name = first.name().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(30 + name.length).putInt(0x04034b50).putShort((short) 20).putShort((short) 0)
                    .putShort((short) 8).putShort((short) 0).putShort((short) 0x21).putInt((int) s.crc())
                    .putInt(s.deflated().length).putInt((int) first.size()).putShort((short) name.length)
                    .putShort((short) 0).put(name).array());
            out.writeBytes(s.deflated());
        }
        int directory = out.size();
        for (Entry e : entries) {
            Stream s = streams.get(e.stream());
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(le(46 + name.length).putInt(0x02014b50).putShort((short) 20).putShort((short) 20)
                    .putShort((short) 0).putShort((short) 8).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) s.crc()).putInt(s.deflated().length).putInt((int) e.size())
                    .putShort((short) name.length).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0).putInt(0).putInt((int) offsets[e.stream()]).put(name).array());
        }
        int size = out.size() - directory;
        out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) entries.size()).putShort((short) entries.size()).putInt(size).putInt(directory)
                .putShort((short) 0).array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
