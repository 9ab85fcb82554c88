package io.rpcool.bench.fork;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/**
 * Line protocol between the harness and the JVMs it forks.
 * <pre>
 *   server JVM:  java ... ServerMain &lt;scratch-dir&gt;
 *                stdout: READY &lt;endpoint&gt;          (once it accepts clients)
 *                exits when its stdin reaches end of file (the harness closes it) or when killed
 *
 *   client JVM:  java ... ClientMain &lt;endpoint&gt; key=value ...   (see {@link ClientOptions})
 *                stdout: RESULT &lt;one-line JSON&gt;     (see {@link ClientResult}), then exits 0
 * </pre>
 * Any other stdout line is copied to the fork's log; stderr goes to a separate log file. The endpoint
 * is opaque to the harness: a port, a socket path, a shared-memory file, whatever the client needs.
 */
public final class ForkProtocol
{
    public static final String READY_PREFIX = "READY ";
    public static final String RESULT_PREFIX = "RESULT ";

    private static final ObjectMapper MAPPER = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ForkProtocol()
    {
    }

    public static String readyLine(final String endpoint)
    {
        if (endpoint.isBlank() || endpoint.indexOf('\n') >= 0)
        {
            throw new IllegalArgumentException("endpoint must be one non-blank line: " + endpoint);
        }
        return READY_PREFIX + endpoint;
    }

    public static String resultLine(final ClientResult result)
    {
        return resultLine((Object)result);
    }

    public static ClientResult parseResult(final String json)
    {
        return parseResult(json, ClientResult.class);
    }

    /**
     * @param result  what a client measured, of a suite with its own result shape.
     * @return the {@code RESULT} line carrying its snake_case JSON.
     */
    public static String resultLine(final Object result)
    {
        try
        {
            return RESULT_PREFIX + MAPPER.writeValueAsString(result);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * @param json  the JSON of a {@code RESULT} line.
     * @param type  the result's type.
     * @param <T>   the result's type.
     * @return the result.
     * @throws IllegalArgumentException if the JSON does not describe a {@code type}.
     */
    public static <T> T parseResult(final String json, final Class<T> type)
    {
        try
        {
            return MAPPER.readValue(json, type);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("malformed result: " + json, ex);
        }
    }
}
