package io.rpcool.bench.ycsb;

import java.util.Map;
import java.util.Properties;

/**
 * YCSB's core workloads A to F as properties (the parameters of the files {@code workloads/workloada}
 * ... {@code workloadf} of YCSB's distribution, which its core jar does not carry), with records read
 * and written whole ({@code readallfields}, {@code writeallfields}): ten fields of 100 bytes.
 */
public final class YcsbWorkloads
{
    private static final Map<String, String[]> MIX = Map.of(
        // read, update, insert, scan, read-modify-write, request distribution
        "a", new String[] {"0.5", "0.5", "0", "0", "0", "zipfian"},
        "b", new String[] {"0.95", "0.05", "0", "0", "0", "zipfian"},
        "c", new String[] {"1", "0", "0", "0", "0", "zipfian"},
        "d", new String[] {"0.95", "0", "0.05", "0", "0", "latest"},
        "e", new String[] {"0", "0", "0.05", "0.95", "0", "zipfian"},
        "f", new String[] {"0.5", "0", "0", "0", "0.5", "zipfian"});

    private YcsbWorkloads()
    {
    }

    /**
     * @param letter  a to f.
     * @param records records loaded.
     * @param ops     operations of the run phase.
     * @return the workload's properties.
     */
    public static Properties of(final String letter, final long records, final long ops)
    {
        final String[] mix = MIX.get(letter);
        if (mix == null)
        {
            throw new IllegalArgumentException("unknown YCSB workload '" + letter + "' (a-f)");
        }
        final Properties p = new Properties();
        p.setProperty("workload", "site.ycsb.workloads.CoreWorkload");
        p.setProperty("recordcount", Long.toString(records));
        p.setProperty("operationcount", Long.toString(ops));
        p.setProperty("readallfields", "true");
        p.setProperty("writeallfields", "true");
        p.setProperty("fieldcount", "10");
        p.setProperty("fieldlength", "100");
        p.setProperty("readproportion", mix[0]);
        p.setProperty("updateproportion", mix[1]);
        p.setProperty("insertproportion", mix[2]);
        p.setProperty("scanproportion", mix[3]);
        p.setProperty("readmodifywriteproportion", mix[4]);
        p.setProperty("requestdistribution", mix[5]);
        p.setProperty("maxscanlength", "100");
        p.setProperty("scanlengthdistribution", "uniform");
        return p;
    }
}
