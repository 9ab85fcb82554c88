package io.rpcool.daemon;

import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * Answers the daemon waits for without waiting: a push to a process (ACCEPT or REJECT) or a message
 * to another host's daemon, each with a deadline and what to do with the answer. An answer that
 * does not come in time is answered with the timeout's reason. Conductor thread only.
 */
final class PendingAnswers
{
    private final Long2ObjectHashMap<Pending> pending = new Long2ObjectHashMap<>();

    /**
     * Wait for the answer keyed {@code key} until {@code deadlineNs}; {@code then} gets "" for an
     * acceptance or the reason of a refusal or of the timeout.
     */
    void await(final long key, final long deadlineNs, final String timeoutReason, final Consumer<String> then)
    {
        pending.put(key, new Pending(deadlineNs, timeoutReason, then, null, null));
    }

    /** Wait for {@code from}'s answer to a push; if {@code from} goes first, the answer is {@code failAll}'s reason. */
    void awaitFrom(
        final ProcessRecord from, final long key, final long deadlineNs, final String timeoutReason, final Consumer<String> then)
    {
        pending.put(key, new Pending(deadlineNs, timeoutReason, then, null, from));
    }

    /** {@code process} went away: every push waiting for its answer is answered with {@code reason}. */
    void failAll(final ProcessRecord process, final String reason)
    {
        java.util.List<Long> keys = null;
        for (final Map.Entry<Long, Pending> e : pending.entrySet())
        {
            if (e.getValue().from == process)
            {
                if (keys == null)
                {
                    keys = new java.util.ArrayList<>();
                }
                keys.add(e.getKey());
            }
        }
        if (keys != null)
        {
            for (final long key : keys)
            {
                complete(key, reason);
            }
        }
    }

    /** Wait for a full answer (several fields) from another host's daemon. */
    void awaitFields(final long key, final long deadlineNs, final String timeoutReason, final Consumer<String[]> then)
    {
        pending.put(key, new Pending(deadlineNs, timeoutReason, null, then, null));
    }

    /**
     * {@code process} answered the push keyed {@code key}: taken only if the push went to that
     * process, so no process can answer for another.
     */
    boolean completeFrom(final ProcessRecord process, final long key, final String answer)
    {
        final Pending p = pending.get(key);
        if (p == null || p.from != process)
        {
            return false;
        }
        return complete(key, answer);
    }

    /** The answer keyed {@code key} came: "" for an acceptance, else the reason. */
    boolean complete(final long key, final String answer)
    {
        final Pending p = pending.remove(key);
        if (p == null)
        {
            return false;
        }
        if (p.then != null)
        {
            p.then.accept(answer);
        }
        else
        {
            p.thenFields.accept(new String[] {answer});
        }
        return true;
    }

    /** A full answer keyed {@code key} came (field 0 is "" for an acceptance). */
    boolean completeFields(final long key, final String[] fields)
    {
        final Pending p = pending.remove(key);
        if (p == null)
        {
            return false;
        }
        if (p.thenFields != null)
        {
            p.thenFields.accept(fields);
        }
        else
        {
            p.then.accept(fields[0]);
        }
        return true;
    }

    /**
     * Answer every wait whose deadline passed with its timeout reason.
     *
     * @return how many expired.
     */
    int expire(final long nowNs)
    {
        int expired = 0;
        final Iterator<Map.Entry<Long, Pending>> it = pending.entrySet().iterator();
        java.util.List<Pending> due = null;
        while (it.hasNext())
        {
            final Pending p = it.next().getValue();
            if (nowNs - p.deadlineNs > 0)
            {
                it.remove();
                if (due == null)
                {
                    due = new java.util.ArrayList<>();
                }
                due.add(p);
            }
        }
        if (due != null)
        {
            for (final Pending p : due)
            {
                expired++;
                if (p.then != null)
                {
                    p.then.accept(p.timeoutReason);
                }
                else
                {
                    p.thenFields.accept(new String[] {p.timeoutReason});
                }
            }
        }
        return expired;
    }

    int size()
    {
        return pending.size();
    }

    private record Pending(
        long deadlineNs, String timeoutReason, Consumer<String> then, Consumer<String[]> thenFields, ProcessRecord from)
    {
    }
}
