package com.healthtourism.hub.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.reference.FilesystemConstants;

/**
 * The S3 API on 127.0.0.1 (s3proxy over a jclouds blob store), checking AWS signature V4 with the
 * given keys. With a base directory, objects are files under it and survive restarts; without one
 * they live in memory.
 */
public final class LocalS3Server implements AutoCloseable {

    public static final String DEFAULT_ACCESS_KEY = "hub-local";

    private final Path baseDir;
    private final String accessKey;
    private final String secretKey;
    private BlobStoreContext blobStoreContext;
    private S3Proxy proxy;
    private URI endpoint;

    /** In memory, access key {@value #DEFAULT_ACCESS_KEY} and a secret key generated for this instance. */
    public LocalS3Server() {
        this(null, DEFAULT_ACCESS_KEY, generatedSecret());
    }

    /**
     * @param baseDir directory holding one sub-directory per bucket, or {@code null} to keep objects in memory
     */
    public LocalS3Server(Path baseDir, String accessKey, String secretKey) {
        this.baseDir = baseDir;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    public synchronized LocalS3Server start() {
        if (proxy != null) {
            return this;
        }
        blobStoreContext = blobStoreContext();
        var port = Probe.freePort();
        var requestedEndpoint = URI.create("http://127.0.0.1:" + port);
        var s3Proxy = S3Proxy.builder()
                .blobStore(blobStoreContext.getBlobStore())
                .endpoint(requestedEndpoint)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            s3Proxy.start();
        } catch (Exception e) {
            blobStoreContext.close();
            throw new IllegalStateException("s3proxy did not start on " + requestedEndpoint, e);
        }
        proxy = s3Proxy;
        endpoint = requestedEndpoint;
        return this;
    }

    /** e.g. {@code http://127.0.0.1:41234}; path-style addressing. */
    public String endpoint() {
        return endpoint.toString();
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    @Override
    public synchronized void close() {
        if (proxy == null) {
            return;
        }
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("s3proxy on " + endpoint + " did not stop", e);
        } finally {
            blobStoreContext.close();
            proxy = null;
        }
    }

    private BlobStoreContext blobStoreContext() {
        if (baseDir == null) {
            return ContextBuilder.newBuilder("transient").build(BlobStoreContext.class);
        }
        try {
            Files.createDirectories(baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + baseDir, e);
        }
        var overrides = new Properties();
        overrides.setProperty(FilesystemConstants.PROPERTY_BASEDIR, baseDir.toAbsolutePath().toString());
        return ContextBuilder.newBuilder("filesystem").overrides(overrides).build(BlobStoreContext.class);
    }

    private static String generatedSecret() {
        var bytes = new byte[20];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
