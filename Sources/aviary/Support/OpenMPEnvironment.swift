import Foundation

/// oneDNN runs its kernels on OpenMP (libgomp), whose idle workers spin by default. On a shared or
/// busy machine the spinning took 60% of a training run's CPU and slowed it several times. libgomp
/// reads `OMP_WAIT_POLICY` once, when it is loaded, before `main` runs, so setting it later does
/// nothing: when it is unset, `aviary` sets it to `passive` and executes itself again, once.
/// Whoever sets it explicitly (even to `active`) is obeyed, and so is a bounded spin
/// (`GOMP_SPINCOUNT` set: `passive` is not added to it): on a machine of its own, `GOMP_SPINCOUNT=1000`
/// (about 25 µs) ran batch-1 inference 30 % faster than `passive`, and on a busy one up to 16 %
/// slower, which is why it is not the default (docs/engine.md, "How long a bounded spin must be").
enum OpenMPEnvironment {
    static func ensurePassiveWaiting() {
        guard getenv("OMP_WAIT_POLICY") == nil, getenv("GOMP_SPINCOUNT") == nil else { return }
        setenv("OMP_WAIT_POLICY", "passive", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure; running on with spinning workers is slower, not wrong.
    }
}
