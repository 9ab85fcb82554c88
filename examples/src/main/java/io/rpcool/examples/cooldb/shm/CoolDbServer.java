package io.rpcool.examples.cooldb.shm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.rpcool.Channel;
import io.rpcool.ChannelOptions;
import io.rpcool.Rpcool;
import io.rpcool.RpcoolContext;
import io.rpcool.ServerCall;
import io.rpcool.SharedHeap;
import io.rpcool.examples.cooldb.nobench.NoBenchQuery;
import io.rpcool.examples.cooldb.store.CoolDbEngine;
import io.rpcool.examples.cooldb.store.DocumentFields;
import io.rpcool.mem.MalformedStructureException;
import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedLongVector;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;

/**
 * CoolDB over RPCool: a JSON document store whose documents clients build in the channel's shared heap
 * ({@link ChannelOptions#sharedHeap(boolean)}, so every connection sees every stored document).
 * <ul>
 *   <li>INSERT takes a key and a pointer: the server checks the document where it lies, confined to
 *   the client's buffer ({@link SharedDocumentReader}), indexes it and keeps the pointer; the buffer is
 *   the server's from then on. A document that is not a well-formed tree inside its buffer, a pointer
 *   outside the heap, a taken key or a buffer given twice is an error reply.</li>
 *   <li>GET returns the pointer to the stored document; QUERY returns a pointer to a result set whose
 *   cells point into the stored documents ({@link ResultSetDescriptor}).</li>
 * </ul>
 * The index ({@link CoolDbEngine}) lives in this JVM's memory, not in the shared heap: every client of
 * the channel can write the shared heap, and an index there would be theirs to corrupt. One handler
 * thread serves the store.
 */
public final class CoolDbServer implements AutoCloseable
{
    /**
     * Whether the server and the benchmark's clients fault in the channel's heap before they start
     * ({@link HeapTouch}); default true, like the JVMs' {@code -XX:+AlwaysPreTouch}.
     */
    public static final String PRE_TOUCH_PROPERTY = "cooldb.preTouch";

    /** Default size of each data heap of the channel. */
    public static final long DEFAULT_HEAP_SIZE = 256L * 1024 * 1024;

    private final Channel channel;
    private final CoolDbEngine engine = new CoolDbEngine();
    private final SharedDocumentReader reader = new SharedDocumentReader();
    private final DocumentFields fields = new DocumentFields();
    private final LongHashSet ownedBuffers = new LongHashSet();
    private final LongHashSet resultBuffers = new LongHashSet();
    private final Long2ObjectHashMap<Result> results = new Long2ObjectHashMap<>();
    private final Long2LongHashMap resultsPerConnection = new Long2LongHashMap(-1);
    private SharedResultWriter resultWriter;

    private static final class Result
    {
        final RpcBuffer buffer;
        final long connectionId;

        Result(final RpcBuffer buffer, final long connectionId)
        {
            this.buffer = buffer;
            this.connectionId = connectionId;
        }
    }

    /**
     * Open the store's channel.
     *
     * @param rpc      this process's instance.
     * @param name     channel name.
     * @param heapSize of each data heap of the channel.
     */
    public CoolDbServer(final Rpcool rpc, final String name, final long heapSize)
    {
        channel = rpc.openChannel(name, ChannelOptions.defaults().handlerThreads(1).sharedHeap(true).heapSize(heapSize));
        if (Boolean.parseBoolean(System.getProperty(PRE_TOUCH_PROPERTY, "true")))
        {
            HeapTouch.preTouch(channel.heap());
        }
        channel.register(CoolDbProtocol.INSERT, this::onInsert);
        channel.register(CoolDbProtocol.BULK_INSERT, this::onBulkInsert);
        channel.register(CoolDbProtocol.GET, this::onGet);
        channel.register(CoolDbProtocol.QUERY, this::onQuery);
        channel.register(CoolDbProtocol.RELEASE, this::onRelease);
        channel.register(CoolDbProtocol.COUNT, call -> call.replyLength(8).reply().putLong(0, engine.size()));
    }

    public Channel channel()
    {
        return channel;
    }

    private void onInsert(final ServerCall call)
    {
        final DirectBuffer request = call.request();
        final long key = request.getLong(CoolDbProtocol.KEY_OFFSET);
        final long buffer = request.getLong(CoolDbProtocol.BUFFER_OFFSET);
        final long root = request.getLong(CoolDbProtocol.ROOT_OFFSET);
        final SharedHeap heap = call.heap();
        if (engine.contains(key))
        {
            throw new IllegalArgumentException("key " + key + " is already stored");
        }
        checkDocument(heap, buffer, root, fields);
        reader.regions(heap.regions());
        final int doc = engine.insert(key, root, fields, reader);
        ownedBuffers.add(buffer);
        call.reply().putInt(0, doc);
        call.replyLength(4);
    }

    /**
     * Check that {@code buffer} is an RPC buffer of the heap not yet owned, and that {@code root} is a
     * well-formed document inside it; list its fields.
     */
    private void checkDocument(final SharedHeap heap, final long buffer, final long root, final DocumentFields into)
    {
        if (ownedBuffers.contains(buffer) || resultBuffers.contains(buffer))
        {
            throw new IllegalArgumentException("buffer 0x" + Long.toHexString(buffer) + " already belongs to the server");
        }
        final RpcBuffer attached = RpcBuffer.attach(heap.regions(), buffer);
        reader.check(attached.regions(), attached.length(), root, into);
    }

    private void onBulkInsert(final ServerCall call)
    {
        final SharedHeap heap = call.heap();
        final SharedLongVector list = new SharedLongVector().wrap(heap.regions(), call.request().getLong(0));
        final long size = list.size();
        if (size % 3 != 0 || size / 3 > CoolDbProtocol.MAX_BULK)
        {
            throw new MalformedStructureException("bulk list of " + size + " longs is not a list of (key, buffer, root)");
        }
        final int count = (int)(size / 3);
        final long[] triples = list.toLongArray();
        final LongHashSet keys = new LongHashSet();
        final LongHashSet buffers = new LongHashSet();
        final List<DocumentFields> checked = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final long key = triples[3 * i];
            if (engine.contains(key) || !keys.add(key))
            {
                throw new IllegalArgumentException("key " + key + " is already stored or repeated");
            }
            if (!buffers.add(triples[3 * i + 1]))
            {
                throw new IllegalArgumentException("buffer 0x" + Long.toHexString(triples[3 * i + 1]) + " repeated");
            }
            final DocumentFields docFields = new DocumentFields();
            checkDocument(heap, triples[3 * i + 1], triples[3 * i + 2], docFields);
            checked.add(docFields);
        }
        reader.regions(heap.regions());
        for (int i = 0; i < count; i++)
        {
            engine.insert(triples[3 * i], triples[3 * i + 2], checked.get(i), reader);
            ownedBuffers.add(triples[3 * i + 1]);
        }
        call.reply().putInt(0, count);
        call.replyLength(4);
    }

    private void onGet(final ServerCall call)
    {
        call.reply().putLong(0, engine.root(call.request().getLong(CoolDbProtocol.KEY_OFFSET)));
        call.replyLength(8);
    }

    private void onQuery(final ServerCall call)
    {
        final DirectBuffer request = call.request();
        final long release = request.getLong(CoolDbProtocol.RELEASE_OFFSET);
        if (release != 0)
        {
            release(release, call.connectionId());
        }
        final NoBenchQuery query = decode(request);
        final long held = Math.max(0, resultsPerConnection.get(call.connectionId()));
        if (held >= CoolDbProtocol.MAX_RESULTS_PER_CONNECTION)
        {
            throw new IllegalStateException("connection holds " + CoolDbProtocol.MAX_RESULTS_PER_CONNECTION +
                " unreleased results; release one first");
        }
        final SharedHeap heap = call.heap();
        if (resultWriter == null)
        {
            resultWriter = new SharedResultWriter(heap);
        }
        final long rows;
        final RpcBuffer buffer;
        try
        {
            rows = engine.query(query, reader.regions(heap.regions()), resultWriter);
            buffer = resultWriter.finish();
        }
        catch (final RuntimeException e)
        {
            resultWriter.abort();
            throw e;
        }
        final long resultSet = resultWriter.resultSet();
        results.put(resultSet, new Result(buffer, call.connectionId()));
        resultBuffers.add(buffer.address());
        resultsPerConnection.put(call.connectionId(), held + 1);
        call.reply().putLong(CoolDbProtocol.RESULT_OFFSET, resultSet);
        call.reply().putLong(CoolDbProtocol.ROWS_OFFSET, rows);
        call.replyLength(CoolDbProtocol.QUERY_REPLY_LENGTH);
    }

    private static NoBenchQuery decode(final DirectBuffer request)
    {
        if (request.capacity() < CoolDbProtocol.QUERY_STRINGS_OFFSET)
        {
            throw new IllegalArgumentException("query request of " + request.capacity() + " bytes is too short");
        }
        final int id = request.getInt(CoolDbProtocol.QUERY_ID_OFFSET);
        int offset = CoolDbProtocol.QUERY_STRINGS_OFFSET;
        final String key1 = string(request, offset, request.getInt(CoolDbProtocol.KEY1_LENGTH_OFFSET));
        offset += Math.max(0, request.getInt(CoolDbProtocol.KEY1_LENGTH_OFFSET));
        final String key2 = string(request, offset, request.getInt(CoolDbProtocol.KEY2_LENGTH_OFFSET));
        offset += Math.max(0, request.getInt(CoolDbProtocol.KEY2_LENGTH_OFFSET));
        final String text = string(request, offset, request.getInt(CoolDbProtocol.TEXT_LENGTH_OFFSET));
        return new NoBenchQuery(id, key1, key2, text,
            request.getLong(CoolDbProtocol.LO_OFFSET), request.getLong(CoolDbProtocol.HI_OFFSET));
    }

    private static String string(final DirectBuffer request, final int offset, final int length)
    {
        if (length < 0)
        {
            return null;
        }
        if (length > request.capacity() - offset)
        {
            throw new IllegalArgumentException("string of " + length + " bytes at " + offset + " runs past the request");
        }
        final byte[] bytes = new byte[length];
        request.getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private void onRelease(final ServerCall call)
    {
        release(call.request().getLong(0), call.connectionId());
    }

    private void release(final long resultSet, final long connectionId)
    {
        final Result result = results.get(resultSet);
        if (result == null || result.connectionId != connectionId)
        {
            throw new IllegalArgumentException("no result 0x" + Long.toHexString(resultSet) + " held by this connection");
        }
        results.remove(resultSet);
        resultBuffers.remove(result.buffer.address());
        final long held = resultsPerConnection.get(connectionId) - 1;
        if (held > 0)
        {
            resultsPerConnection.put(connectionId, held);
        }
        else
        {
            resultsPerConnection.remove(connectionId);
        }
        result.buffer.destroy();
    }

    @Override
    public void close()
    {
        channel.close();
    }

    /**
     * Serve a store until standard input closes. Prints {@code READY <channel>} once clients may
     * connect. Starts the daemon inside this process if none runs (directory from {@code rpcool.dir}).
     *
     * <p>args: [channel name] (default {@value CoolDbProtocol#DEFAULT_CHANNEL})
     */
    public static void main(final String[] args) throws Exception
    {
        final String name = args.length > 0 ? args[0] : CoolDbProtocol.DEFAULT_CHANNEL;
        final long heapSize = Long.getLong("cooldb.heapSize", DEFAULT_HEAP_SIZE);
        try (Rpcool rpc = Rpcool.launch(new RpcoolContext().heapSize(heapSize));
            CoolDbServer server = new CoolDbServer(rpc, name, heapSize))
        {
            System.out.println("READY " + server.channel().name());
            System.out.flush();
            while (System.in.read() >= 0)
            {
                // serve until the parent closes our input
            }
        }
    }
}
