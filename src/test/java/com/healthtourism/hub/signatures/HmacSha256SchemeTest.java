package com.healthtourism.hub.signatures;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HmacSha256SchemeTest {

    // GitHub's documented example: secret "It's a Secret to Everybody", payload "Hello, World!".
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] BODY = "Hello, World!".getBytes(UTF_8);
    private static final String VECTOR = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private final HmacSha256Scheme scheme = new HmacSha256Scheme();

    private Verification verify(String header, byte[] body, List<String> secrets) {
        var headers = header == null ? Map.<String, String>of() : Map.of("x-hub-signature-256", header);
        // No timestamp: tolerance and now are not needed.
        return scheme.verify(new SignedRequest(headers, body, null), secrets, null, null);
    }

    @Test
    void githubVectorVerifies() {
        assertThat(verify(VECTOR, BODY, List.of(SECRET))).isEqualTo(Verification.VALID);
        assertThat(HmacSha256Scheme.signatureHeader(SECRET, BODY)).isEqualTo(VECTOR);
    }

    @Test
    void upperCaseHexIsAccepted() {
        assertThat(verify("sha256=" + VECTOR.substring(7).toUpperCase(), BODY, List.of(SECRET)))
                .isEqualTo(Verification.VALID);
    }

    @Test
    void tamperedBodyFails() {
        assertThat(verify(VECTOR, "Hello, World?".getBytes(UTF_8), List.of(SECRET))).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void wrongSecretFails() {
        assertThat(verify(VECTOR, BODY, List.of("It's a secret to everybody"))).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void duringRotationASignatureFromEitherSecretVerifies() {
        var secrets = List.of("old-secret", "new-secret");
        assertThat(verify(HmacSha256Scheme.signatureHeader("old-secret", BODY), BODY, secrets)).isEqualTo(Verification.VALID);
        assertThat(verify(HmacSha256Scheme.signatureHeader("new-secret", BODY), BODY, secrets)).isEqualTo(Verification.VALID);
        assertThat(verify(VECTOR, BODY, secrets)).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void missingHeaderIsMissingSignature() {
        assertThat(verify(null, BODY, List.of(SECRET))).isEqualTo(Verification.MISSING_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "sha256=", "sha256=xyz", "sha1=757107ea0eb2509fc211221cce984b8a37570b6d",
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "sha256=757"})
    void malformedHeaderIsBadSignatureNotAnException(String header) {
        assertThat(verify(header, BODY, List.of(SECRET))).isEqualTo(Verification.BAD_SIGNATURE);
    }
}
