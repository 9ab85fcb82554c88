package io.rpcool;

/**
 * Frames of the TCP fallback transport. Every frame is length-prefixed:
 *
 * <pre>
 *  +--------------------+------+------+---------+----------+--------+-----------+
 *  | frame length (4)   | kind | slot | call id | function | status | payload   |
 *  | bytes after itself | (1)  | (4)  | (8)     | (4)      | (4)    | (n)       |
 *  +--------------------+------+------+---------+----------+--------+-----------+
 *
 *  HELLO     client -> server  function = slots, status = buffer size, payload = channel name,
 *                              slot = transport (0 copy, 1 DSM), call id = DSM heap bytes (DSM only)
 *  WELCOME   server -> client  DSM only: payload = heap address (8), heap bytes (8), pager port (4)
 *  REFUSED   server -> client  payload = why
 *  REQUEST   client -> server  payload = request bytes
 *  RESPONSE  server -> client  status, payload = reply bytes (or the error message)
 * </pre>
 */
final class TcpFrames
{
    static final byte HELLO = 1;
    static final byte WELCOME = 2;
    static final byte REFUSED = 3;
    static final byte REQUEST = 4;
    static final byte RESPONSE = 5;

    /** HELLO's slot field: the copy fallback. */
    static final int MODE_COPY = 0;
    /** HELLO's slot field: calls as frames, the connection heap over the DSM. */
    static final int MODE_DSM = 1;
    /** Payload of a DSM WELCOME. */
    static final int DSM_WELCOME_LENGTH = 8 + 8 + 4;

    /** How a server's REFUSED starts when it cannot offer a DSM heap (a client that chose automatically falls back to copying). */
    static final String DSM_REFUSAL = "DSM unavailable at the server: ";

    static final int HEADER_LENGTH = 4 + 1 + 4 + 8 + 4 + 4;
    static final int KIND_OFFSET = 4;
    static final int SLOT_OFFSET = 5;
    static final int CALL_ID_OFFSET = 9;
    static final int FUNCTION_OFFSET = 17;
    static final int STATUS_OFFSET = 21;

    private TcpFrames()
    {
    }
}
