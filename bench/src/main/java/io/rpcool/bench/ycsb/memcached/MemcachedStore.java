package io.rpcool.bench.ycsb.memcached;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory store behind {@link MemcachedServerHandler}: items by key in a {@link
 * ConcurrentHashMap}, each with its flags, a CAS version and an optional expiry. Every operation is
 * atomic per key; a CAS of 0 in a request means "any version".
 */
final class MemcachedStore
{
    /** A stored value; never changed once in the map (updates replace it). */
    static final class Item
    {
        final byte[] value;
        final int flags;
        final long cas;
        /** Milliseconds since the epoch after which the item is gone; 0 for never. */
        final long expiresAtMs;

        Item(final byte[] value, final int flags, final long cas, final long expiresAtMs)
        {
            this.value = value;
            this.flags = flags;
            this.cas = cas;
            this.expiresAtMs = expiresAtMs;
        }

        boolean expired(final long nowMs)
        {
            return expiresAtMs != 0 && nowMs >= expiresAtMs;
        }
    }

    /** A key's bytes, compared by content. */
    static final class Key
    {
        private final byte[] bytes;
        private final int hash;

        Key(final byte[] bytes)
        {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Key && ((Key)o).hash == hash && Arrays.equals(((Key)o).bytes, bytes);
        }

        @Override
        public int hashCode()
        {
            return hash;
        }
    }

    /** How a mutation went. */
    enum Outcome
    {
        STORED, NOT_FOUND, EXISTS, NOT_STORED, NOT_A_NUMBER
    }

    /** Memcached's rule: an expiry above 30 days is an absolute Unix time, else seconds from now. */
    private static final long RELATIVE_EXPIRY_LIMIT_S = 60L * 60 * 24 * 30;

    private final ConcurrentHashMap<Key, Item> items = new ConcurrentHashMap<>();
    private final AtomicLong casCounter = new AtomicLong();

    /** @return the live item, or null. */
    Item get(final Key key)
    {
        final Item item = items.get(key);
        if (item != null && item.expired(System.currentTimeMillis()))
        {
            items.remove(key, item);
            return null;
        }
        return item;
    }

    int size()
    {
        return items.size();
    }

    /**
     * @param mode      {@code set} (always), {@code add} (only if absent) or {@code replace} (only if present).
     * @param cas       version the caller expects, or 0.
     * @param expiry    memcached expiry: 0 never, up to 30 days relative seconds, else Unix time.
     * @param stored    receives the new item's CAS when stored (index 0).
     */
    Outcome store(final Key key, final byte[] value, final int flags, final int expiry, final long cas, final char mode,
        final long[] stored)
    {
        final long now = System.currentTimeMillis();
        final Outcome[] outcome = {Outcome.STORED};
        items.compute(key, (k, old) ->
        {
            final Item live = old == null || old.expired(now) ? null : old;
            if (mode == 'a' && live != null)
            {
                outcome[0] = Outcome.NOT_STORED;
                return old;
            }
            if ((mode == 'r' || cas != 0) && live == null)
            {
                outcome[0] = Outcome.NOT_FOUND;
                return live;
            }
            if (cas != 0 && live.cas != cas)
            {
                outcome[0] = Outcome.EXISTS;
                return live;
            }
            final Item item = new Item(value, flags, casCounter.incrementAndGet(), expiresAt(expiry, now));
            stored[0] = item.cas;
            return item;
        });
        return outcome[0];
    }

    /** Append ({@code front} false) or prepend bytes to a present item. */
    Outcome concat(final Key key, final byte[] more, final boolean front, final long[] stored)
    {
        final long now = System.currentTimeMillis();
        final Outcome[] outcome = {Outcome.STORED};
        items.compute(key, (k, old) ->
        {
            if (old == null || old.expired(now))
            {
                outcome[0] = Outcome.NOT_STORED;
                return null;
            }
            final byte[] joined = new byte[old.value.length + more.length];
            System.arraycopy(front ? more : old.value, 0, joined, 0, front ? more.length : old.value.length);
            System.arraycopy(front ? old.value : more, 0, joined, front ? more.length : old.value.length,
                front ? old.value.length : more.length);
            final Item item = new Item(joined, old.flags, casCounter.incrementAndGet(), old.expiresAtMs);
            stored[0] = item.cas;
            return item;
        });
        return outcome[0];
    }

    /**
     * Increment or decrement a decimal value (memcached: decrement stops at 0, increment wraps at 2^64);
     * an absent key takes {@code initial} unless {@code expiry} is 0xffffffff.
     *
     * @param result index 0: the new value; index 1: its CAS.
     */
    Outcome delta(final Key key, final long by, final boolean up, final long initial, final int expiry, final long[] result)
    {
        final long now = System.currentTimeMillis();
        final Outcome[] outcome = {Outcome.STORED};
        items.compute(key, (k, old) ->
        {
            final Item live = old == null || old.expired(now) ? null : old;
            final long value;
            if (live == null)
            {
                if (expiry == -1)
                {
                    outcome[0] = Outcome.NOT_FOUND;
                    return null;
                }
                value = initial;
            }
            else
            {
                final long current;
                try
                {
                    current = Long.parseUnsignedLong(new String(live.value, java.nio.charset.StandardCharsets.US_ASCII));
                }
                catch (final NumberFormatException e)
                {
                    outcome[0] = Outcome.NOT_A_NUMBER;
                    return live;
                }
                value = up ? current + by : Long.compareUnsigned(current, by) < 0 ? 0 : current - by;
            }
            final Item item = new Item(Long.toUnsignedString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                live == null ? 0 : live.flags, casCounter.incrementAndGet(),
                live == null ? expiresAt(expiry, now) : live.expiresAtMs);
            result[0] = value;
            result[1] = item.cas;
            return item;
        });
        return outcome[0];
    }

    /** Remove a present item (whose CAS matches, unless {@code cas} is 0). */
    Outcome delete(final Key key, final long cas)
    {
        final long now = System.currentTimeMillis();
        final Outcome[] outcome = {Outcome.STORED};
        items.compute(key, (k, old) ->
        {
            if (old == null || old.expired(now))
            {
                outcome[0] = Outcome.NOT_FOUND;
                return null;
            }
            if (cas != 0 && old.cas != cas)
            {
                outcome[0] = Outcome.EXISTS;
                return old;
            }
            return null;
        });
        return outcome[0];
    }

    /** Set a present item's expiry. */
    Item touch(final Key key, final int expiry)
    {
        final long now = System.currentTimeMillis();
        return items.computeIfPresent(key, (k, old) -> old.expired(now) ? null :
            new Item(old.value, old.flags, casCounter.incrementAndGet(), expiresAt(expiry, now)));
    }

    void flush()
    {
        items.clear();
    }

    private static long expiresAt(final int expiry, final long nowMs)
    {
        if (expiry == 0 || expiry == -1)
        {
            return 0;
        }
        final long seconds = expiry & 0xffffffffL;
        return seconds > RELATIVE_EXPIRY_LIMIT_S ? seconds * 1000 : nowMs + seconds * 1000;
    }
}
