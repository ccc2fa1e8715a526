import Foundation

/// oneDNN runs its kernels on OpenMP (libgomp), whose idle workers spin by default. On a shared or
/// busy machine the spinning took 60% of a training run's CPU and slowed it several times. libgomp
/// reads `OMP_WAIT_POLICY` once, when it is loaded, before `main` runs, so setting it later does
/// nothing: when it is unset, `aviary` sets it to `passive` and executes itself again, once.
/// Whoever sets it explicitly (even to `active`) is obeyed, and so is a bounded spin
/// (`GOMP_SPINCOUNT`, which `passive` would override): on a machine of its own, `GOMP_SPINCOUNT=10000`
/// ran batch-1 inference about a quarter faster than `passive` (docs/engine.md, "Waiting").
enum OpenMPEnvironment {
    static func ensurePassiveWaiting() {
        guard getenv("OMP_WAIT_POLICY") == nil, getenv("GOMP_SPINCOUNT") == nil else { return }
        setenv("OMP_WAIT_POLICY", "passive", 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure; running on with spinning workers is slower, not wrong.
    }
}
