package io.rpcool.bench.alloc;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What {@link AllocJmhMain} measured: one entry per transport.
 *
 * @param entries  figures per transport.
 */
public record JmhResult(List<Entry> entries)
{
    /**
     * JMH's figures for one transport.
     *
     * @param system                system name of the transport.
     * @param allocBytesPerOp       {@code gc.alloc.rate.norm}: bytes allocated per call by all threads of the fork.
     * @param allocBytesPerOpError  its 99.9 % confidence half-width, {@code null} if JMH gave none.
     * @param opsPerS               calls per second of the one benchmark thread.
     * @param opsPerSError          its 99.9 % confidence half-width, {@code null} if JMH gave none.
     */
    public record Entry(
        String system,
        double allocBytesPerOp,
        Double allocBytesPerOpError,
        double opsPerS,
        @JsonProperty("ops_per_s_error") Double opsPerSError)
    {
    }
}
