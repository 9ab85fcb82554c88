package io.rpcool.bench.service;

import io.rpcool.service.RpcService;

/** The typed counterpart of the raw no-op call: a method that does nothing, and an 8-byte echo. */
@RpcService(name = "bench.Noop")
public interface NoopService
{
    void noop();

    long echo(long value);
}
