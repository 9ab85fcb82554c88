package io.rpcool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;

import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.layout.ConnectionDescriptor;
import io.rpcool.layout.RequestQueueDescriptor;
import io.rpcool.layout.ResponseLineDescriptor;

/**
 * What a connection looks like after an attack that it did not recover from: the client's slots,
 * the queue's counters and sequence words, the response and started lines, the server's last
 * output lines and its threads.
 */
final class HostileWriterDiagnostics
{
    private HostileWriterDiagnostics()
    {
    }

    static String describe(final Connection conn, final ChildJvm server)
    {
        final StringBuilder out = new StringBuilder();
        for (final ClientCall c : conn.calls)
        {
            out.append(String.format("slot %d state %d checkedOut %b stale %b callId %x queuePosition %d%n", c.slot, c.state,
                c.checkedOut, c.stale, c.callId, c.queuePosition));
        }
        if (conn instanceof ShmConnection && conn.isOpen())
        {
            final UnsafeBuffer heap = RawEntries.heap(conn);
            final int queue = ConnectionDescriptor.QUEUE_OFFSET;
            out.append(String.format("queue tail %d head cache %d head %d%n",
                heap.getLongVolatile(queue + RequestQueueDescriptor.TAIL_COUNTER_OFFSET),
                heap.getLongVolatile(queue + RequestQueueDescriptor.HEAD_CACHE_OFFSET),
                heap.getLongVolatile(queue + RequestQueueDescriptor.HEAD_COUNTER_OFFSET)));
            final int capacity = ConnectionDescriptor.queueCapacity(conn.slots());
            for (int i = 0; i < capacity; i++)
            {
                final int entry = RawEntries.entryOffset(conn, i);
                out.append(String.format("entry %d sequence %d callId %x check %x%n", i,
                    heap.getLongVolatile(entry + RequestQueueDescriptor.SEQUENCE_OFFSET),
                    heap.getLong(entry + RequestQueueDescriptor.CALL_ID_OFFSET), heap.getInt(entry + RequestQueueDescriptor.CHECK_OFFSET)));
            }
            final int lines = (int)ConnectionDescriptor.responsesOffset(capacity);
            for (int slot = 0; slot < conn.slots(); slot++)
            {
                out.append(String.format("line %d callId %x status %d; started %x%n", slot,
                    heap.getLongVolatile(lines + ResponseLineDescriptor.lineOffset(slot) + ResponseLineDescriptor.CALL_ID_OFFSET),
                    heap.getInt(lines + ResponseLineDescriptor.lineOffset(slot) + ResponseLineDescriptor.STATUS_OFFSET),
                    heap.getLongVolatile(lines + ResponseLineDescriptor.startedOffset(conn.slots(), slot))));
            }
        }
        final List<String> lines = server.lines();
        out.append("server output (last lines):\n");
        for (final String line : lines.subList(Math.max(0, lines.size() - 30), lines.size()))
        {
            out.append("  ").append(line).append('\n');
        }
        out.append(threadDump(server.pid()));
        return out.toString();
    }

    private static String threadDump(final long pid)
    {
        final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try
        {
            final Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
            final byte[] bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS))
            {
                p.destroyForcibly();
            }
            return "server threads:\n" + new String(bytes, StandardCharsets.UTF_8);
        }
        catch (final IOException e)
        {
            return "no thread dump: " + e;
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            return "no thread dump: interrupted";
        }
    }
}
