package io.rpcool.sandbox;

/**
 * Code to run inside a sandbox.
 *
 * @param <T> what it returns.
 */
@FunctionalInterface
public interface SandboxBody<T>
{
    /**
     * @param sandbox the views, scratch allocator and variables of the sandbox; valid only until
     *                this method returns.
     */
    T apply(SandboxContext sandbox) throws Exception;
}
