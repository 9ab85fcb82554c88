package io.rpcool.dsm;

import io.rpcool.remote.RemoteHeap;
import io.rpcool.remote.RemoteHeapProvider;

/**
 * The page-ownership DSM as rpc-core's {@link RemoteHeapProvider}: the heap of a connection across
 * memory domains ({@code Transport.DSM}). Listed in {@code META-INF/services}.
 */
public final class DsmRemoteHeapProvider implements RemoteHeapProvider
{
    @Override
    public String name()
    {
        return "the page-ownership DSM";
    }

    @Override
    public boolean isAvailable()
    {
        return Dsm.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause()
    {
        return Dsm.unavailabilityCause();
    }

    @Override
    public Listener listen(final String host)
    {
        final DsmAcceptor acceptor = DsmAcceptor.bind(host, 0);
        return new Listener()
        {
            @Override
            public int port()
            {
                return acceptor.port();
            }

            @Override
            public RemoteHeap accept(final long address, final long size, final int timeoutMs)
            {
                return acceptor.accept(DsmConfig.of(address, size), timeoutMs);
            }

            @Override
            public void close()
            {
                acceptor.close();
            }
        };
    }

    @Override
    public RemoteHeap connect(final String host, final int port, final long address, final long size, final int timeoutMs)
    {
        return DsmHeap.connect(host, port, DsmConfig.of(address, size), timeoutMs);
    }
}
