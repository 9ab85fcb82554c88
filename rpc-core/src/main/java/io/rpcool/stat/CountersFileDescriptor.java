package io.rpcool.stat;

import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Layout of a counters file: the named counters and the distinct-error log of one process (or of
 * the daemon), in a file of the daemon directory that {@code ./rpcool stat} maps read-only while
 * the process runs, as Aeron's CnC file is read by {@code aeron-stat}.
 *
 * <pre>
 *  offset
 *  0      +---------------------------------------------------------------+
 *         |                   magic "RPCCNTRS" (written last)             |  0
 *         +---------------------------------------------------------------+
 *         |            version            |              pid              |  8
 *         +---------------------------------------------------------------+
 *         |                    start time (epoch ms)                      | 16
 *         +---------------------------------------------------------------+
 *         |     metadata length (bytes)   |      values length (bytes)    | 24
 *         +---------------------------------------------------------------+
 *         |    error log length (bytes)   |     process name length       | 32
 *         +---------------------------------------------------------------+
 *         |                  process name (UTF-8, up to 256 bytes)        | 40..295
 *         +---------------------------------------------------------------+
 *  4096   | counters metadata (Agrona CountersManager, 512 bytes each)     |
 *         +---------------------------------------------------------------+
 *         | counter values (Agrona CountersManager, 128 bytes each)        |
 *         +---------------------------------------------------------------+
 *         | distinct-error log (Agrona DistinctErrorLog)                   |
 *         +---------------------------------------------------------------+
 * </pre>
 *
 * Every value has two cache lines to itself (Agrona's counter layout), so the thread that owns a
 * counter never shares a line with another writer.
 */
public final class CountersFileDescriptor
{
    /** "RPCCNTRS" in little-endian byte order. */
    public static final long MAGIC = 0x5352544E43435052L;
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 8;
    public static final int PID_OFFSET = 12;
    public static final int START_TIME_OFFSET = 16;
    public static final int METADATA_LENGTH_OFFSET = 24;
    public static final int VALUES_LENGTH_OFFSET = 28;
    public static final int ERROR_LOG_LENGTH_OFFSET = 32;
    public static final int NAME_LENGTH_OFFSET = 36;
    public static final int NAME_OFFSET = 40;
    public static final int MAX_NAME_LENGTH = 256;
    public static final int HEADER_LENGTH = 4096;

    /** Counters a file has room for. */
    public static final int MAX_COUNTERS = 128;
    public static final int METADATA_LENGTH = MAX_COUNTERS * CountersReader.METADATA_LENGTH;
    public static final int VALUES_LENGTH = MAX_COUNTERS * CountersReader.COUNTER_LENGTH;
    public static final int ERROR_LOG_LENGTH = 64 * 1024;

    public static final int METADATA_OFFSET = HEADER_LENGTH;
    public static final int VALUES_OFFSET = METADATA_OFFSET + METADATA_LENGTH;
    public static final int ERROR_LOG_OFFSET = VALUES_OFFSET + VALUES_LENGTH;
    public static final int FILE_LENGTH = BitUtil.align(ERROR_LOG_OFFSET + ERROR_LOG_LENGTH, 4096);

    /** Name of a process's counters file in the daemon directory. */
    public static String processFileName(final long pid)
    {
        return "counters-" + pid + ".dat";
    }

    /** Name of the daemon's counters file. */
    public static final String DAEMON_FILE_NAME = "daemon-counters.dat";

    private CountersFileDescriptor()
    {
    }

    /**
     * @return null if {@code buffer} holds a counters file this code reads, else why not.
     */
    public static String check(final AtomicBuffer buffer)
    {
        if (buffer.capacity() < FILE_LENGTH)
        {
            return "file of " + buffer.capacity() + " bytes, expected " + FILE_LENGTH;
        }
        if (buffer.getLongVolatile(MAGIC_OFFSET) != MAGIC)
        {
            return "not a counters file (or not yet written)";
        }
        final int version = buffer.getInt(VERSION_OFFSET);
        if (version != VERSION)
        {
            return "counters file version " + version + ", this code reads version " + VERSION;
        }
        if (buffer.getInt(METADATA_LENGTH_OFFSET) != METADATA_LENGTH || buffer.getInt(VALUES_LENGTH_OFFSET) != VALUES_LENGTH ||
            buffer.getInt(ERROR_LOG_LENGTH_OFFSET) != ERROR_LOG_LENGTH)
        {
            return "counters file regions differ from this code's";
        }
        return null;
    }
}
