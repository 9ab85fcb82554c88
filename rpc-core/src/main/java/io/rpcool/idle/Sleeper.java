package io.rpcool.idle;

/**
 * A waiter that can sleep in the kernel until the other side wakes it ({@code futex(2)} on a word
 * of the shared heap): the last stage of the {@link AdaptiveIdleStrategy} once spinning (and, in the
 * sleep mode, short sleeps) found nothing.
 */
public interface Sleeper
{
    /**
     * Sleep until woken by the other side or {@code timeoutNs} has passed; return at once if what
     * the thread waits for is already there.
     *
     * @return false if this waiter cannot sleep this way now (the caller parks on a timer instead).
     */
    boolean sleep(long timeoutNs);
}
