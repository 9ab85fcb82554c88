package io.rpcool.bench.service;

/** Does nothing, and echoes. */
public final class NoopServiceImpl implements NoopService
{
    @Override
    public void noop()
    {
    }

    @Override
    public long echo(final long value)
    {
        return value;
    }
}
