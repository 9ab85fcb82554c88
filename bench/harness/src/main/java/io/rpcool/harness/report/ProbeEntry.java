package io.rpcool.harness.report;

/**
 * Placement probe figures around one system in one run, plus the CPU other processes used meanwhile.
 *
 * @param run            run index, from 1.
 * @param system         system measured between the two probes.
 * @param beforeP50Ns    probe median before the system's JVMs started.
 * @param beforeMode     {@code near} or {@code far}.
 * @param afterP50Ns     probe median after they stopped.
 * @param afterMode      {@code near} or {@code far}.
 * @param foreignCpuPct  percentage of the machine's CPU used by other processes while the system ran,
 *                       {@code null} where it could not be read.
 * @param status         {@code ok}, or why the system produced no result in this run.
 */
public record ProbeEntry(
    int run,
    String system,
    double beforeP50Ns,
    String beforeMode,
    double afterP50Ns,
    String afterMode,
    Double foreignCpuPct,
    String status)
{
    public static final String OK = "ok";

    public boolean ok()
    {
        return OK.equals(status);
    }
}
