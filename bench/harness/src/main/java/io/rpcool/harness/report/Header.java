package io.rpcool.harness.report;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Where and how a suite was run. Fields that do not apply to a suite are {@code null} and left out
 * of the JSON (the {@code alloc} suite has no reference, client threads or placement probes).
 *
 * @param suite                suite name.
 * @param jdk                  {@code java.version} of the forked JVMs.
 * @param vm                   {@code java.vm.name} and version.
 * @param cpuModel             first {@code model name} in /proc/cpuinfo.
 * @param cores                online CPUs.
 * @param date                 start of the run, ISO-8601 UTC.
 * @param quick                whether {@code --quick} was given.
 * @param runs                 runs over all systems, in rotating order; records are medians over them.
 * @param clientThreads        client threads in the {@code -throughput-multi} case, if the suite has one.
 * @param reference            system the Markdown ratios are relative to, if the suite has ratios.
 * @param probeMs              duration of each placement probe, if probes were run.
 * @param probeFarThresholdNs  probe medians above this are the far placement mode, if probes were run.
 * @param placementProbes      one entry per system (or fork pair) and run, in execution order.
 * @param note                 caveat printed with the results.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Header(
    String suite,
    String jdk,
    String vm,
    String cpuModel,
    int cores,
    String date,
    boolean quick,
    int runs,
    Integer clientThreads,
    String reference,
    Long probeMs,
    Double probeFarThresholdNs,
    List<ProbeEntry> placementProbes,
    String note)
{
    public static final String NOISE_NOTE =
        "Absolute numbers on a shared 2-core VM are noisy; compare ratios between systems measured in the same run.";
}
