package io.rpcool.sandbox.mpk;

import jnr.ffi.annotations.IgnoreError;

/**
 * The functions of the native shim (librpcool_sandbox, built from {@code src/main/c}), bound
 * through jnr-ffi. Unsigned 32-bit values (PKRU, key masks) travel as {@code int}.
 */
public interface SandboxShim
{
    /** Bit 0: the CPU has PKU; bit 1: the OS enabled it (OSPKE). */
    @IgnoreError int rpcool_sb_cpu_features();

    /** Offset of PKRU in the XSAVE image, or -1. */
    @IgnoreError int rpcool_sb_pkru_offset();

    @IgnoreError int rpcool_sb_rdpkru();

    @IgnoreError void rpcool_sb_wrpkru(int pkru);

    /** Deny every library key but {@code key}; returns the PKRU to give back to {@link #rpcool_sb_exit}. */
    @IgnoreError int rpcool_sb_enter(int key);

    /** Allow every library key again; returns the protection faults taken since {@link #rpcool_sb_enter}. */
    @IgnoreError long rpcool_sb_exit(int token);

    @IgnoreError long rpcool_sb_violation_address();

    @IgnoreError void rpcool_sb_open_thread();

    /** 0 violations, 1 grants, 2 faults passed on to the JVM, 3 frames without a PKRU image. */
    @IgnoreError long rpcool_sb_counter(int which);

    @IgnoreError int rpcool_sb_uses_libjsig();

    @IgnoreError int rpcool_sb_add_range(long start, long length);

    @IgnoreError int rpcool_sb_remove_range(long start);

    /** Claim the keys in {@code keysMask} and install the SIGSEGV handler; 0 or -errno. */
    @IgnoreError int rpcool_sb_install(int keysMask);
}
