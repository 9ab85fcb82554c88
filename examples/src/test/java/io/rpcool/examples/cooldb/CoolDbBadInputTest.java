package io.rpcool.examples.cooldb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.rpcool.RpcException;
import io.rpcool.Rpcool;
import io.rpcool.Status;
import io.rpcool.TestDirs;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.examples.cooldb.shm.CoolDbClient;
import io.rpcool.examples.cooldb.shm.CoolDbProtocol;
import io.rpcool.examples.cooldb.shm.CoolDbServer;
import io.rpcool.examples.cooldb.shm.JsonBlockWriter;
import io.rpcool.examples.cooldb.shm.SharedResultSet;
import io.rpcool.harness.jvm.ChildJvm;
import io.rpcool.mem.JsonNodeDescriptor;
import io.rpcool.mem.RegionSet;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.VectorDescriptor;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that hands the server bad pointers or garbage documents gets error replies; the server,
 * a separate JVM, keeps serving and its store stays consistent.
 */
@Tag("multiprocess")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CoolDbBadInputTest
{
    @Test
    void shouldRefuseBadPointersAndGarbageDocumentsAndKeepServing() throws Exception
    {
        final Path dir = TestDirs.fresh("cooldb-bad");
        try (ChildJvm server = ChildJvm.builder(CoolDbServer.class)
                .jvmFlags("-Xmx256m", "-Drpcool.dir=" + dir, "-Dcooldb.heapSize=" + (16L << 20)).args("/cooldb/bad").start())
        {
            server.awaitLine("READY", 30_000);
            try (Rpcool rpc = Rpcool.launch(TestDirs.context(dir)); CoolDbClient db = CoolDbClient.connect(rpc, "/cooldb/bad"))
            {
                assertEquals(0, db.insert(1, doc("a", 1)));
                final long heap = db.heap().heaps()[0].region().base();

                // pointers outside every heap, null, misaligned, inside the heap but not a buffer
                refused(() -> db.insertPointer(2, 0x7fff_0000_0000L, 0x7fff_0000_0040L));
                refused(() -> db.insertPointer(2, 0, 0));
                refused(() -> db.insertPointer(2, heap + 3, heap + 64));
                refused(() -> db.insertPointer(2, heap, heap + 64));

                // garbage inside a real buffer
                final RpcBuffer garbage = db.heap().createBuffer(256);
                final long g = garbage.allocate(256);
                garbage.regions().setMemory(g, 256, (byte)0x5A);
                refused(() -> db.insertPointer(2, garbage.address(), g));

                // a document whose root lies outside its buffer (in the stored document "a")
                final RpcBuffer other = db.heap().createBuffer(64);
                refused(() -> db.insertPointer(2, other.address(), db.get(1)));

                // not an object; an object that contains itself; a string running past its buffer
                refused(() -> db.insert(2, List.of(1L, 2L)));
                final Built cyclic = build(db, doc("loop", 7));
                final long root = cyclic.root();
                final RegionSet regions = cyclic.buffer().regions();
                final long members = regions.getLong(root + JsonNodeDescriptor.VALUE_OFFSET);
                regions.putLong(regions.getLong(members + VectorDescriptor.ELEMENTS_OFFSET) + 8, root);
                refused(() -> db.insertPointer(2, cyclic.buffer().address(), root));
                final Built overrun = build(db, doc("overrun", 8));
                final RegionSet o = overrun.buffer().regions();
                final long oMembers = o.getLong(overrun.root() + JsonNodeDescriptor.VALUE_OFFSET);
                final long firstKey = o.getLong(o.getLong(oMembers + VectorDescriptor.ELEMENTS_OFFSET));
                o.putInt(firstKey + 4, 1 << 20);
                refused(() -> db.insertPointer(2, overrun.buffer().address(), overrun.root()));

                // a taken key; the same buffer handed over twice
                refused(() -> db.insert(1, doc("again", 1)));
                final Built once = build(db, doc("once", 3));
                assertEquals(1, db.insertPointer(3, once.buffer().address(), once.root()));
                assertTrue(refused(() -> db.insertPointer(4, once.buffer().address(), once.root())).getMessage()
                    .contains("belongs to the server"));

                // a buffer of the server's own: a result it has not released yet
                final long resultSet = db.query(NoBenchQuery.q5("a")).address();
                final long resultBuffer = resultSet - io.rpcool.mem.RpcBufferDescriptor.HEADER_LENGTH;
                final String message = refused(() -> db.insertPointer(5, resultBuffer, resultSet)).getMessage();
                assertTrue(message.contains("belongs to the server"), message);

                // bad queries and releases
                refused(() -> db.raw(CoolDbProtocol.QUERY, query(99)));
                refused(() -> db.raw(CoolDbProtocol.QUERY, new byte[8]));
                refused(() -> db.raw(CoolDbProtocol.RELEASE, longBytes(heap + 4096)));

                // the server still serves, and only the good documents are stored
                final SharedResultSet all = db.query(NoBenchQuery.q1());
                assertEquals(2, all.rows());
                assertEquals(List.of(List.of("a", 1L), List.of("once", 3L)), all.toJava());
                assertEquals(2, db.count());
                assertEquals(doc("a", 1), db.getJava(1));
            }
            assertTrue(server.pid() > 0);
        }
    }

    /** A document in a buffer of its own, not yet handed over. */
    private record Built(RpcBuffer buffer, long root)
    {
    }

    private static Map<String, Object> doc(final String str1, final long num)
    {
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("str1", str1);
        doc.put("num", num);
        return doc;
    }

    private static Built build(final CoolDbClient db, final Object value)
    {
        final long length = JsonBlockWriter.length(value);
        final RpcBuffer buffer = db.heap().createBuffer(length);
        final long address = buffer.allocate(length);
        return new Built(buffer, new JsonBlockWriter().wrap(address, (int)length).value(value));
    }

    private static byte[] query(final int id)
    {
        final ByteBuffer b = ByteBuffer.allocate(CoolDbProtocol.QUERY_STRINGS_OFFSET).order(ByteOrder.nativeOrder());
        b.putInt(CoolDbProtocol.QUERY_ID_OFFSET, id);
        b.putInt(CoolDbProtocol.KEY1_LENGTH_OFFSET, -1);
        b.putInt(CoolDbProtocol.KEY2_LENGTH_OFFSET, -1);
        b.putInt(CoolDbProtocol.TEXT_LENGTH_OFFSET, -1);
        return b.array();
    }

    private static byte[] longBytes(final long value)
    {
        return ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, value).array();
    }

    private static RpcException refused(final org.junit.jupiter.api.function.Executable call)
    {
        final RpcException e = assertThrows(RpcException.class, call);
        assertEquals(Status.HANDLER_FAILED, e.status(), e.getMessage());
        return e;
    }
}
