package io.rpcool.daemon;

/**
 * A request the daemon answers later: {@code retry} runs once {@code process} has room for
 * {@code length} more bytes of quota, or at {@code deadlineNs}.
 */
record Deferred(ProcessRecord process, long length, long deadlineNs, Runnable retry)
{
}
