package io.rpcool.service.sample;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.rpcool.mem.RpcBuffer;
import io.rpcool.mem.SharedString;
import io.rpcool.service.ServiceContext;

/** The sample service's implementation. */
public final class CatalogImpl implements Catalog
{
    private final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public Order echoOrder(final Order order)
    {
        return order;
    }

    @Override
    public int add(final int a, final int b)
    {
        return a + b;
    }

    @Override
    public String greet(final String name)
    {
        return "Hello, " + name + "!";
    }

    @Override
    public Integer boxed(final Integer value)
    {
        return value == null ? null : value + 1;
    }

    @Override
    public byte[] reverse(final byte[] data)
    {
        final byte[] r = new byte[data.length];
        for (int i = 0; i < data.length; i++)
        {
            r[i] = data[data.length - 1 - i];
        }
        return r;
    }

    @Override
    public Map<String, Integer> countWords(final List<String> words)
    {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        for (final String w : words)
        {
            counts.merge(w, 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public Tree mirror(final Tree tree)
    {
        final List<Tree> children = new ArrayList<>();
        for (final Tree c : tree.children())
        {
            children.add(mirror(c));
        }
        Collections.reverse(children);
        return new Tree(tree.label(), children);
    }

    @Override
    public void record(final String event)
    {
        events.add(event);
    }

    @Override
    public List<String> events()
    {
        return new ArrayList<>(events);
    }

    @Override
    public CompletableFuture<String> greetLater(final String name, final long delayMs)
    {
        return CompletableFuture.supplyAsync(() -> "Later, " + name + "!",
            CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS));
    }

    @Override
    public long sharedLength(final SharedString text)
    {
        return text.length();
    }

    @Override
    public SharedString sharedEcho(final SharedString text)
    {
        return text;
    }

    @Override
    public long checksum(final byte[] data)
    {
        if (!ServiceContext.current().call().isSealed())
        {
            throw new IllegalStateException("request not sealed");
        }
        long sum = 0;
        for (final byte b : data)
        {
            sum = sum * 31 + b;
        }
        return sum;
    }

    @Override
    public int sandboxedLength(final RpcBuffer buffer, final SharedString text)
    {
        if (!ServiceContext.current().call().isSandboxed())
        {
            throw new IllegalStateException("not sandboxed");
        }
        return text.toString().length();
    }

    @Override
    public String fail(final String message)
    {
        throw new IllegalArgumentException(message);
    }

    @Override
    public long remainingMs()
    {
        return ServiceContext.current().remaining(TimeUnit.MILLISECONDS);
    }

    @Override
    public String sleep(final long sleepMs)
    {
        final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(sleepMs);
        while (System.nanoTime() < end)
        {
            ServiceContext.current().checkDeadline();
            try
            {
                Thread.sleep(5);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "slept " + sleepMs;
    }

    @Override
    public Item bigItem(final int tagCount)
    {
        final List<String> tags = new ArrayList<>();
        for (int i = 0; i < tagCount; i++)
        {
            tags.add("tag-" + i);
        }
        return new Item("big", tagCount, 1.0, tags, Color.BLUE);
    }
}
