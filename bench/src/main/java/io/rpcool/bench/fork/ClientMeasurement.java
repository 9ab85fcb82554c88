package io.rpcool.bench.fork;

/**
 * A client that drives the phases of {@link ClientOptions} itself, for systems whose natural client
 * is not a blocking call (for example one driven from an event loop). Run it with
 * {@link ClientSupport#runCustom(String[], ClientMeasurement)}.
 */
@FunctionalInterface
public interface ClientMeasurement
{
    /**
     * @param endpoint  the endpoint the server printed in its {@code READY} line.
     * @param options   the phases to run.
     * @return what was measured.
     * @throws Exception if the system fails.
     */
    ClientResult measure(String endpoint, ClientOptions options) throws Exception;
}
