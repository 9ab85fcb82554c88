package io.rpcool.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as a typed RPC service. The annotation processor ({@code rpcool-service-processor})
 * generates {@code <Interface>Rpc} beside it: {@code stub(connection)} for clients and
 * {@code bind(channel, implementation)} for servers, with stable method ids derived from the interface.
 *
 * <p>Methods take and return records, strings, primitives and their boxes, {@code byte[]}, {@code List},
 * {@code Map} and the shared containers ({@code SharedString}, vectors, {@code SharedStringMap},
 * {@code SharedJsonNode}, {@code SharedStruct}s), which travel by reference; a method returning
 * {@code CompletableFuture<T>} is asynchronous on the client.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RpcService
{
    /** The service's name in method ids and error messages; empty: the interface's qualified name. */
    String name() default "";
}
