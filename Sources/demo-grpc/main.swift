#if canImport(Glibc)
    import Glibc

    // libdispatch on Linux hears SIGINT and SIGTERM (for the ServiceGroup) through a signalfd, which
    // only sees a signal that no thread would take itself. Block both here, before any other thread
    // exists, so every thread inherits the mask and none of them dies of the default action.
    var gracefulSignals = sigset_t()
    sigemptyset(&gracefulSignals)
    sigaddset(&gracefulSignals, SIGINT)
    sigaddset(&gracefulSignals, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &gracefulSignals, nil)
#endif

/// In an async function, unlike at the top level, `main` resolves to ArgumentParser's async entry point.
func runCommand() async {
    await DemoGRPCCommand.main(nil)
}

await runCommand()
