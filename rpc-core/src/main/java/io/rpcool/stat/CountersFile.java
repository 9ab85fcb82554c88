package io.rpcool.stat;

import static io.rpcool.stat.CountersFileDescriptor.*;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * One counters file ({@link CountersFileDescriptor}): the writer side creates it, allocates named
 * counters and records distinct errors; the reader side maps it read-only and reports it. Where
 * the file cannot be created (a read-only directory, say) the writer keeps the same structures in
 * private memory, so counting never fails.
 */
public final class CountersFile implements AutoCloseable
{
    private final Path path;
    private final MappedByteBuffer mapped;
    private final AtomicBuffer buffer;
    private final CountersManager counters;
    private final DistinctErrorLog errors;

    private CountersFile(final Path path, final MappedByteBuffer mapped, final AtomicBuffer buffer, final boolean writer)
    {
        this.path = path;
        this.mapped = mapped;
        this.buffer = buffer;
        final UnsafeBuffer metadata = new UnsafeBuffer(buffer, METADATA_OFFSET, METADATA_LENGTH);
        final UnsafeBuffer values = new UnsafeBuffer(buffer, VALUES_OFFSET, VALUES_LENGTH);
        this.counters = writer ? new CountersManager(metadata, values, StandardCharsets.UTF_8) : null;
        this.errors = writer ?
            new DistinctErrorLog(new UnsafeBuffer(buffer, ERROR_LOG_OFFSET, ERROR_LOG_LENGTH), SystemEpochClock.INSTANCE) : null;
    }

    /**
     * Create the counters file of process {@code pid} at {@code path} (replacing a stale one), or
     * keep the counters in private memory if the file cannot be made ({@code path} null, say).
     */
    public static CountersFile create(final Path path, final long pid, final String processName)
    {
        MappedByteBuffer mapped = null;
        AtomicBuffer buffer;
        if (path != null)
        {
            try
            {
                Files.deleteIfExists(path);
                mapped = IoUtil.mapNewFile(path.toFile(), FILE_LENGTH, true);
                buffer = new UnsafeBuffer(mapped);
            }
            catch (final RuntimeException | java.io.IOException e)
            {
                buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FILE_LENGTH, 4096));
            }
        }
        else
        {
            buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(FILE_LENGTH, 4096));
        }
        buffer.putInt(VERSION_OFFSET, VERSION);
        buffer.putInt(PID_OFFSET, (int)pid);
        buffer.putLong(START_TIME_OFFSET, System.currentTimeMillis());
        buffer.putInt(METADATA_LENGTH_OFFSET, METADATA_LENGTH);
        buffer.putInt(VALUES_LENGTH_OFFSET, VALUES_LENGTH);
        buffer.putInt(ERROR_LOG_LENGTH_OFFSET, ERROR_LOG_LENGTH);
        final byte[] name = processName.getBytes(StandardCharsets.UTF_8);
        final int n = Math.min(name.length, MAX_NAME_LENGTH);
        buffer.putInt(NAME_LENGTH_OFFSET, n);
        buffer.putBytes(NAME_OFFSET, name, 0, n);
        buffer.putLongOrdered(MAGIC_OFFSET, MAGIC);
        return new CountersFile(mapped == null ? null : path, mapped, buffer, true);
    }

    /**
     * Map an existing counters file read-only.
     *
     * @throws IllegalStateException if it is not one this code reads.
     */
    public static CountersFile open(final Path path)
    {
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(path.toFile(), FileChannel.MapMode.READ_ONLY, "counters");
        final UnsafeBuffer buffer = new UnsafeBuffer(mapped);
        final String problem = check(buffer);
        if (problem != null)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException(path + ": " + problem);
        }
        return new CountersFile(path, mapped, buffer, false);
    }

    /** The file, or null if the counters live in private memory. */
    public Path path()
    {
        return path;
    }

    public int pid()
    {
        return buffer.getInt(PID_OFFSET);
    }

    public String processName()
    {
        final int n = Math.max(0, Math.min(buffer.getInt(NAME_LENGTH_OFFSET), MAX_NAME_LENGTH));
        return buffer.getStringWithoutLengthUtf8(NAME_OFFSET, n);
    }

    /** Writer side: a new counter with {@code label}. */
    public AtomicCounter newCounter(final String label)
    {
        return counters.newCounter(label);
    }

    /** Writer side: record an error, once per distinct error with a count and timestamps. */
    public boolean recordError(final Throwable error)
    {
        return errors.record(error);
    }

    /** Every counter as label and value, in allocation order. */
    public List<Counter> counters()
    {
        final CountersReader reader = new CountersReader(
            new UnsafeBuffer(buffer, METADATA_OFFSET, METADATA_LENGTH), new UnsafeBuffer(buffer, VALUES_OFFSET, VALUES_LENGTH),
            StandardCharsets.UTF_8);
        final List<Counter> list = new ArrayList<>();
        reader.forEach((value, id, label) -> list.add(new Counter(label, value)));
        return list;
    }

    /**
     * Every distinct error recorded, most recent observation last: count, first and last time, and the error.
     */
    public List<String> errors()
    {
        final List<String> list = new ArrayList<>();
        ErrorLogReader.read(new UnsafeBuffer(buffer, ERROR_LOG_OFFSET, ERROR_LOG_LENGTH),
            (count, first, last, encoded) -> list.add(String.format("%d x, first %tT, last %tT: %s", count, first, last,
                encoded.strip())));
        return list;
    }

    /** Unmap, and for the writer delete, the file. */
    @Override
    public void close()
    {
        if (mapped != null)
        {
            IoUtil.unmap(mapped);
            if (counters != null)
            {
                try
                {
                    Files.deleteIfExists(path);
                }
                catch (final java.io.IOException e)
                {
                    // Removed with the daemon directory, or by the daemon when it sees the process gone.
                }
            }
        }
    }

    /** Remove the counters file of process {@code pid} from {@code directory}, if there is one. */
    public static void delete(final Path directory, final long pid)
    {
        try
        {
            Files.deleteIfExists(directory.resolve(processFileName(pid)));
        }
        catch (final java.io.IOException e)
        {
            // Best effort: a stale file is reported as such by stat.
        }
    }

    /** The files of every process (and the daemon) in {@code directory}. */
    public static List<File> filesIn(final Path directory)
    {
        final File[] files = directory.toFile().listFiles((dir, name) -> name.endsWith(".dat") &&
            (name.startsWith("counters-") || name.equals(DAEMON_FILE_NAME)));
        final List<File> list = new ArrayList<>();
        if (files != null)
        {
            java.util.Arrays.sort(files);
            list.addAll(java.util.Arrays.asList(files));
        }
        return list;
    }

    /** One counter: label and value. */
    public record Counter(String label, long value)
    {
    }
}
