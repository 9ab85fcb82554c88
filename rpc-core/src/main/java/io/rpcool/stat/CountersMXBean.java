package io.rpcool.stat;

import java.util.List;
import java.util.Map;

/**
 * The counters and recent distinct errors of one RPCool instance (or daemon), for JMX consoles and
 * monitoring agents: {@code io.rpcool:type=Rpcool,...} and {@code io.rpcool:type=Daemon,...}.
 */
public interface CountersMXBean
{
    /** Process id of the instance. */
    int getPid();

    /** Every counter by label. */
    Map<String, Long> getCounters();

    /** Every distinct error recorded: count, first and last time, the error. */
    List<String> getErrors();
}
