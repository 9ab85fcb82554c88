package io.rpcool.service.sample;

import io.rpcool.service.RpcService;

/** A client that uses two of {@link Catalog}'s methods, declared exactly as the server declares them. */
@RpcService(name = "test.Catalog")
public interface CatalogLite
{
    int add(int a, int b);

    String greet(String name);
}
