package com.healthtourism.hub.local;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

import com.github.tomakehurst.wiremock.WireMockServer;

/** A WireMock server standing in for a partner's API, on a free port, with stubs only from the test itself. */
public final class PartnerSandbox {

    private PartnerSandbox() {
    }

    public static WireMockServer start() {
        try {
            // its own empty file root: by default WireMock would load src/test/resources/mappings (our JSONata samples)
            var server = new WireMockServer(options().dynamicPort()
                    .usingFilesUnderDirectory(Files.createTempDirectory("partner-sandbox").toString()));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
