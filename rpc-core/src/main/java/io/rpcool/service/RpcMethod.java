package io.rpcool.service;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Options of one method of an {@link RpcService}; without it a method has the defaults. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RpcMethod
{
    /** The method's name in its id; empty: the Java name. Renaming the Java method then keeps the id. */
    String name() default "";

    /** Default deadline of a call (ms); 0: the connection's ({@code rpcool.call.timeoutMs}). */
    long deadlineMs() default 0;
}
