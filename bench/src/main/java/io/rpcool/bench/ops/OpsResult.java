package io.rpcool.bench.ops;

import java.util.List;

/**
 * The {@code RESULT} of one {@code ops} client JVM: its figures in measurement order.
 *
 * @param cases  one entry per case and system.
 */
public record OpsResult(List<OpsCaseResult> cases)
{
}
