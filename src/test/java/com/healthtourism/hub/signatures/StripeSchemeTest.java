package com.healthtourism.hub.signatures;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StripeSchemeTest {

    private static final String SECRET = "whsec_test_secret";
    private static final long T = 1_700_000_000L;
    private static final byte[] BODY = "{\n  \"id\": \"evt_test_webhook\",\n  \"object\": \"event\"\n}".getBytes(UTF_8);
    private static final String VECTOR_V1 = "4f1cd7feda9826e746b7d482c4badebb657398df1099e1046364f6196a230150";
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final Instant NOW = Instant.ofEpochSecond(T);

    private final StripeScheme scheme = new StripeScheme();

    private Verification verify(String header, byte[] body, List<String> secrets, Instant now) {
        var headers = header == null ? Map.<String, String>of() : Map.of("stripe-signature", header);
        return scheme.verify(new SignedRequest(headers, body, null), secrets, TOLERANCE, now);
    }

    @Test
    void stripesVectorVerifies() {
        assertThat(verify("t=1700000000,v1=" + VECTOR_V1, BODY, List.of(SECRET), NOW)).isEqualTo(Verification.VALID);
    }

    @Test
    void signingHelperReproducesTheVector() {
        assertThat(StripeScheme.signatureHeader(SECRET, T, BODY)).isEqualTo("t=1700000000,v1=" + VECTOR_V1);
    }

    @Test
    void anyOfSeveralV1SignaturesMayMatchAndV0AndUnknownKeysAreIgnored() {
        String header = "t=1700000000,v0=deadbeef,v1=" + "00".repeat(32) + ",foo=bar,v1=" + VECTOR_V1;
        assertThat(verify(header, BODY, List.of(SECRET), NOW)).isEqualTo(Verification.VALID);
    }

    @Test
    void v0AloneIsNotASignature() {
        assertThat(verify("t=1700000000,v0=" + VECTOR_V1, BODY, List.of(SECRET), NOW))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void tamperedBodyFails() {
        byte[] tampered = new String(BODY, UTF_8).replace("evt_test_webhook", "evt_test_webhooK").getBytes(UTF_8);
        assertThat(verify("t=1700000000,v1=" + VECTOR_V1, tampered, List.of(SECRET), NOW))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void tamperedTimestampFails() {
        assertThat(verify("t=1700000001,v1=" + VECTOR_V1, BODY, List.of(SECRET), NOW))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void wrongSecretFails() {
        assertThat(verify("t=1700000000,v1=" + VECTOR_V1, BODY, List.of("whsec_other"), NOW))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void duringRotationASignatureFromEitherSecretVerifies() {
        var secrets = List.of("whsec_old", "whsec_new");
        assertThat(verify(StripeScheme.signatureHeader("whsec_old", T, BODY), BODY, secrets, NOW))
                .isEqualTo(Verification.VALID);
        assertThat(verify(StripeScheme.signatureHeader("whsec_new", T, BODY), BODY, secrets, NOW))
                .isEqualTo(Verification.VALID);
        assertThat(verify(StripeScheme.signatureHeader("whsec_retired", T, BODY), BODY, secrets, NOW))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void timestampOutsideTheToleranceIsStaleEitherWay() {
        String header = "t=1700000000,v1=" + VECTOR_V1;
        assertThat(verify(header, BODY, List.of(SECRET), NOW.plusSeconds(301))).isEqualTo(Verification.STALE_TIMESTAMP);
        assertThat(verify(header, BODY, List.of(SECRET), NOW.minusSeconds(301))).isEqualTo(Verification.STALE_TIMESTAMP);
        assertThat(verify(header, BODY, List.of(SECRET), NOW.plusSeconds(300))).isEqualTo(Verification.VALID);
    }

    @Test
    void missingHeaderIsMissingSignature() {
        assertThat(verify(null, BODY, List.of(SECRET), NOW)).isEqualTo(Verification.MISSING_SIGNATURE);
        assertThat(verify("  ", BODY, List.of(SECRET), NOW)).isEqualTo(Verification.MISSING_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "t=,v1=", "t=abc,v1=" + VECTOR_V1, "v1=" + VECTOR_V1, "t=1700000000",
            "t=1700000000,v1=zz", "t=1700000000,v1=" + VECTOR_V1 + "0", ",,,===,", "=", "t=-1,v1=" + VECTOR_V1,
            "t=99999999999999999999999,v1=" + VECTOR_V1})
    void malformedHeaderIsBadSignatureNotAnException(String header) {
        assertThat(verify(header, BODY, List.of(SECRET), NOW)).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void noUsableSecretFails() {
        assertThat(verify("t=1700000000,v1=" + VECTOR_V1, BODY, List.of(), NOW)).isEqualTo(Verification.BAD_SIGNATURE);
        assertThat(verify("t=1700000000,v1=" + VECTOR_V1, BODY, List.of(""), NOW)).isEqualTo(Verification.BAD_SIGNATURE);
    }
}
