package dev.missrec.jobs.cli;

/** JVM shutdown hooks (Ctrl-C handling) that tolerate a JVM already shutting down. */
final class ShutdownHooks {
    private ShutdownHooks() {}

    /** Registers {@code hook}; false when the JVM is already shutting down. */
    static boolean add(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false; // already shutting down
        }
    }

    /** Unregisters {@code hook}; a no-op while the JVM shuts down (the hook runs or has run). */
    static void remove(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running or has run
        }
    }
}
