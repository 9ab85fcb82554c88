/*
 * librpcool_sandbox: the native part of RPCool's MPK sandboxes for the JVM.
 *
 * What it does:
 *   - reads and writes the calling thread's PKRU (RDPKRU/WRPKRU) for sandbox entry and exit;
 *   - turns a SIGSEGV with si_code SEGV_PKUERR on one of the library's protection keys into
 *     a recorded sandbox violation instead of a crash, chained behind the JVM's own handler.
 *
 * Use from Java (through jnr-ffi):
 *
 *   rpcool_sb_install(keys, shared_key)     once, after the keys are allocated
 *   token = rpcool_sb_enter(key)            deny every library key except `key`
 *   ... sandboxed code ...
 *   faults = rpcool_sb_exit(token)          allow every library key again; faults taken inside
 *
 * Claimed faults.  The handler claims a fault only if si_code == SEGV_PKUERR, si_pkey is one
 * of the library's keys, si_addr lies in a registered range (a data heap or a scratch area),
 * and the saved FPU state in the signal frame is a valid XSAVE image that holds PKRU.  It then
 * edits the PKRU value that sigreturn restores and returns, so the access is retried:
 *
 *   - on a thread outside any sandbox (a thread that never switched its rights, e.g. one the
 *     JVM created before the keys existed: Linux gives new keys "access disabled" in every
 *     other thread), it grants every library key and counts a grant;
 *   - on a thread inside a sandbox, it grants just the faulting key, counts a violation and
 *     records the first address; rpcool_sb_exit() returns the count and the Java side turns
 *     it into a SandboxViolationException (the call's reply is discarded).
 *
 * Every other fault goes on to the JVM: to the handler that was installed before this one
 * (the JVM's), or, when libjsig is preloaded (the JVM handles faults first and calls this
 * handler only for faults it does not own), by removing this handler and returning so the
 * fault recurs and the JVM reports it.
 *
 * The PKRU image lives in XSAVE component 9 at the offset CPUID leaf 0xD sub-leaf 9 gives
 * (EBX).  The kernel runs the handler with the default PKRU; the handler touches only its own
 * static and thread-local data.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#ifndef SEGV_PKUERR
#define SEGV_PKUERR 4
#endif

#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define SW_RESERVED_OFFSET 464		/* struct _fpx_sw_bytes in the fxsave image */
#define XSTATE_BV_OFFSET 512		/* XSAVE header */
#define XFEATURE_PKRU 9
#define MAX_RANGES 4096

struct fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

struct range {
	uint64_t start;
	uint64_t end;
};

struct sb_thread {
	uint32_t inside;
	uint32_t key;
	uint64_t faults;
	uint64_t first_address;
};

static __thread struct sb_thread sb_tls __attribute__((tls_model("initial-exec")));

static struct sigaction previous;	/* the JVM's handler, when this one sits in front of it */
static int installed;
static int with_libjsig;
static uint32_t pkru_offset;
static uint32_t keys_mask;		/* bit k set: pkey k belongs to the library */
static uint32_t keys_pkru_bits;		/* AD|WD bits of every library key */
static struct range ranges[MAX_RANGES];
static uint32_t range_top;		/* slots in use are below this */
static uint64_t count_violations, count_grants, count_chained, count_bad_frames;

static inline uint32_t rdpkru(void)
{
	uint32_t eax, edx;

	__asm__ volatile(".byte 0x0f,0x01,0xee" : "=a"(eax), "=d"(edx) : "c"(0));
	return eax;
}

static inline void wrpkru(uint32_t pkru)
{
	__asm__ volatile(".byte 0x0f,0x01,0xef" : : "a"(pkru), "c"(0), "d"(0) : "memory");
}

static inline uint32_t key_bits(uint32_t key)
{
	return 3U << (2 * key);
}

/* Bit 0: the CPU has PKU; bit 1: the OS enabled it (OSPKE). */
int rpcool_sb_cpu_features(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, eax, ebx, ecx, edx);
	return ((ecx >> 3) & 1) | (((ecx >> 4) & 1) << 1);
}

/* Offset of the PKRU component in the XSAVE image, or -1 if the CPU reports none. */
int rpcool_sb_pkru_offset(void)
{
	unsigned int eax, ebx, ecx, edx;

	if (__get_cpuid_max(0, NULL) < 0xd)
		return -1;
	__cpuid_count(0xd, XFEATURE_PKRU, eax, ebx, ecx, edx);
	return eax >= 4 ? (int)ebx : -1;
}

uint32_t rpcool_sb_rdpkru(void)
{
	return rdpkru();
}

void rpcool_sb_wrpkru(uint32_t pkru)
{
	wrpkru(pkru);
}

/* Enter a sandbox that holds `key`: returns the PKRU to restore on exit. */
uint32_t rpcool_sb_enter(uint32_t key)
{
	uint32_t old = rdpkru();

	sb_tls.inside = 1;
	sb_tls.key = key;
	sb_tls.faults = 0;
	sb_tls.first_address = 0;
	wrpkru((old | keys_pkru_bits) & ~key_bits(key));
	return old;
}

/* Leave the sandbox: every library key allowed again; returns the faults taken inside. */
uint64_t rpcool_sb_exit(uint32_t token)
{
	wrpkru(token & ~keys_pkru_bits);
	sb_tls.inside = 0;
	return sb_tls.faults;
}

uint64_t rpcool_sb_violation_address(void)
{
	return sb_tls.first_address;
}

/* Allow every library key on the calling thread. */
void rpcool_sb_open_thread(void)
{
	wrpkru(rdpkru() & ~keys_pkru_bits);
}

/* 0 violations, 1 grants, 2 faults passed on, 3 frames without a usable PKRU image. */
uint64_t rpcool_sb_counter(int which)
{
	switch (which) {
	case 0: return __atomic_load_n(&count_violations, __ATOMIC_RELAXED);
	case 1: return __atomic_load_n(&count_grants, __ATOMIC_RELAXED);
	case 2: return __atomic_load_n(&count_chained, __ATOMIC_RELAXED);
	case 3: return __atomic_load_n(&count_bad_frames, __ATOMIC_RELAXED);
	default: return 0;
	}
}

int rpcool_sb_uses_libjsig(void)
{
	return with_libjsig;
}

/* Register [start, start + length) as memory the library keys. Returns 0 or -ENOSPC. */
int rpcool_sb_add_range(uint64_t start, uint64_t length)
{
	uint32_t i, top = __atomic_load_n(&range_top, __ATOMIC_ACQUIRE);

	for (i = 0; i < MAX_RANGES; i++) {
		if (__atomic_load_n(&ranges[i].end, __ATOMIC_ACQUIRE) == 0) {
			__atomic_store_n(&ranges[i].start, start, __ATOMIC_RELAXED);
			__atomic_store_n(&ranges[i].end, start + length, __ATOMIC_RELEASE);
			if (i >= top)
				__atomic_store_n(&range_top, i + 1, __ATOMIC_RELEASE);
			return 0;
		}
	}
	return -ENOSPC;
}

/* Forget the range that starts at `start`. Returns 0 or -ENOENT. */
int rpcool_sb_remove_range(uint64_t start)
{
	uint32_t i, top = __atomic_load_n(&range_top, __ATOMIC_ACQUIRE);

	for (i = 0; i < top; i++) {
		if (__atomic_load_n(&ranges[i].end, __ATOMIC_ACQUIRE) != 0 &&
		    __atomic_load_n(&ranges[i].start, __ATOMIC_RELAXED) == start) {
			__atomic_store_n(&ranges[i].end, 0, __ATOMIC_RELEASE);
			return 0;
		}
	}
	return -ENOENT;
}

static int in_range(uint64_t address)
{
	uint32_t i, top = __atomic_load_n(&range_top, __ATOMIC_ACQUIRE);

	for (i = 0; i < top; i++) {
		uint64_t end = __atomic_load_n(&ranges[i].end, __ATOMIC_ACQUIRE);

		if (end != 0 && address < end && address >= __atomic_load_n(&ranges[i].start, __ATOMIC_RELAXED))
			return 1;
	}
	return 0;
}

/* The saved PKRU of the interrupted thread, or NULL if the frame holds no usable image. */
static uint32_t *saved_pkru(ucontext_t *uc, uint64_t **xstate_bv)
{
	uint8_t *fp = (uint8_t *)uc->uc_mcontext.fpregs;
	struct fpx_sw_bytes sw;
	uint32_t magic2;

	if (!fp || pkru_offset == 0)
		return NULL;
	memcpy(&sw, fp + SW_RESERVED_OFFSET, sizeof(sw));
	if (sw.magic1 != FP_XSTATE_MAGIC1 || !(sw.xfeatures & (1ULL << XFEATURE_PKRU)) ||
	    sw.xstate_size < pkru_offset + 4 || sw.extended_size < sw.xstate_size + 4)
		return NULL;
	memcpy(&magic2, fp + sw.xstate_size, sizeof(magic2));
	if (magic2 != FP_XSTATE_MAGIC2)
		return NULL;
	*xstate_bv = (uint64_t *)(fp + XSTATE_BV_OFFSET);
	return (uint32_t *)(fp + pkru_offset);
}

static void pass_on(int sig, siginfo_t *si, void *ctx)
{
	__atomic_fetch_add(&count_chained, 1, __ATOMIC_RELAXED);
	if (with_libjsig) {
		/* The JVM took this handler's return as "handled": step aside and let it recur. */
		struct sigaction dfl;

		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(SIGSEGV, &dfl, NULL);
		return;
	}
	if (previous.sa_flags & SA_SIGINFO) {
		if (previous.sa_sigaction) {
			previous.sa_sigaction(sig, si, ctx);
			return;
		}
	} else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
		previous.sa_handler(sig);
		return;
	}
	/* Nothing to chain to: restore the default action, the fault recurs and ends the process. */
	signal(SIGSEGV, SIG_DFL);
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uint32_t key, *pkru;
	uint64_t *xstate_bv;

	if (si->si_code != SEGV_PKUERR)
		goto chain;
	key = si->si_pkey;
	if (key >= 16 || !(keys_mask & (1U << key)) || !in_range((uint64_t)si->si_addr))
		goto chain;
	pkru = saved_pkru(uc, &xstate_bv);
	if (!pkru) {
		__atomic_fetch_add(&count_bad_frames, 1, __ATOMIC_RELAXED);
		goto chain;
	}
	if (!(*xstate_bv & (1ULL << XFEATURE_PKRU)))
		*pkru = 0;	/* component in its init state: PKRU was 0 */
	if (sb_tls.inside) {
		if (sb_tls.faults++ == 0)
			sb_tls.first_address = (uint64_t)si->si_addr;
		__atomic_fetch_add(&count_violations, 1, __ATOMIC_RELAXED);
		*pkru &= ~key_bits(key);
	} else {
		__atomic_fetch_add(&count_grants, 1, __ATOMIC_RELAXED);
		*pkru &= ~keys_pkru_bits;
	}
	*xstate_bv |= 1ULL << XFEATURE_PKRU;
	return;
chain:
	pass_on(sig, si, ctx);
}

/*
 * Claim `keys` (bit k: pkey k) and install the handler in front of the JVM's, or as its chained
 * handler when libjsig is preloaded. Returns 0, -ENOTSUP without a PKRU image offset, or -errno.
 */
int rpcool_sb_install(uint32_t keys)
{
	struct sigaction sa;
	uint32_t k, bits = 0;
	int offset;

	for (k = 0; k < 16; k++)
		if (keys & (1U << k))
			bits |= key_bits(k);
	keys_mask = keys;
	keys_pkru_bits = bits;
	if (installed)
		return 0;
	offset = rpcool_sb_pkru_offset();
	if (offset <= 0)
		return -ENOTSUP;
	pkru_offset = (uint32_t)offset;
	with_libjsig = dlsym(RTLD_DEFAULT, "JVM_get_signal_action") != NULL;
	if (sigaction(SIGSEGV, NULL, &previous) != 0)
		return -errno;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_mask = previous.sa_mask;
	sa.sa_flags = (previous.sa_flags | SA_SIGINFO | SA_RESTART) & ~SA_RESETHAND;
	if (sigaction(SIGSEGV, &sa, with_libjsig ? NULL : &previous) != 0)
		return -errno;
	installed = 1;
	return 0;
}
