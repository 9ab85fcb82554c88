package io.rpcool.service.sample;

import io.rpcool.service.RpcService;

/** {@link Catalog} as a client built from a later version sees it: {@code greet} takes a second argument. */
@RpcService(name = "test.Catalog")
public interface CatalogV2
{
    int add(int a, int b);

    String greet(String name, int times);
}
