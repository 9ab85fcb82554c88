package io.rpcool.idle;

/**
 * Something a thread waits for that the {@link CompletionPoller} can check on its behalf.
 */
public interface Watchable
{
    /**
     * Called on the poller thread. Returns true once the waiter should run again; the poller then
     * forgets it (and the watchable completes whatever it must, e.g. invokes a callback).
     */
    boolean pollReady();
}
