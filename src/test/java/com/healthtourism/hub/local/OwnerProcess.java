package com.healthtourism.hub.local;

import java.nio.file.Path;

/**
 * Recognises files left by a killed JVM: directories named {@code <prefix><pid>-<anything>} belong to
 * the process with that id, and are abandoned once it is gone.
 */
final class OwnerProcess {

    private OwnerProcess() {
    }

    static String name(String prefix) {
        return prefix + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID();
    }

    static long pidInName(Path path, String prefix) {
        var name = path.getFileName().toString();
        if (!name.startsWith(prefix)) {
            return -1;
        }
        var rest = name.substring(prefix.length());
        var end = rest.indexOf('-');
        try {
            return Long.parseLong(end < 0 ? rest : rest.substring(0, end));
        } catch (NumberFormatException notOurs) {
            return -1;
        }
    }

    static boolean isAlive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
