package com.healthtourism.hub.signatures;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IyzicoSchemeTest {

    private static final String SECRET = "sandbox-UuLnD7wZa0a3DmytfIrwHQqAMfqCNJrs";

    // iyzico's documented samples.
    private static final String HOSTED_PAGE = """
            {"paymentConversationId":"conversationId","merchantId":3382172,\
            "token":"e828c62d-fd12-4b1a-ad5a-380f15fe6596","status":"SUCCESS",\
            "iyziReferenceCode":"77e1635c-6b39-475a-8b7b-ca15ad0cd4ac","iyziEventType":"CHECKOUT_FORM_AUTH",\
            "iyziEventTime":1721825036103,"iyziPaymentId":22483975}""";
    private static final String HOSTED_PAGE_SIGNATURE = "4031c575763486a2d2bf3f7ace0baebfcd6bed65393ab4df3fe80c00d5fd6878";
    private static final String DIRECT = """
            {"paymentConversationId":"conversationId","merchantId":3382172,"paymentId":"22484059",\
            "status":"SUCCESS","iyziReferenceCode":"3d6e2d1b-5d7e-4e31-8c4d-2b3d2e0c7f21",\
            "iyziEventType":"API_AUTH","iyziEventTime":1721825536103,"iyziPaymentId":22484059}""";
    private static final String DIRECT_SIGNATURE = "92c7a72b7741bc83eb696066605c894778c87297b2c88d6037670666230e18ae";

    private final IyzicoScheme scheme = new IyzicoScheme();
    private final ObjectMapper json = new ObjectMapper();

    private Verification verify(String header, String body, List<String> secrets) {
        var headers = header == null ? Map.<String, String>of() : Map.of("x-iyz-signature-v3", header);
        return scheme.verify(new SignedRequest(headers, body.getBytes(UTF_8), null), secrets, null, null);
    }

    @Test
    void hostedPageVectorVerifies() {
        assertThat(verify(HOSTED_PAGE_SIGNATURE, HOSTED_PAGE, List.of(SECRET))).isEqualTo(Verification.VALID);
    }

    @Test
    void directVectorVerifies() {
        assertThat(verify(DIRECT_SIGNATURE, DIRECT, List.of(SECRET))).isEqualTo(Verification.VALID);
    }

    @Test
    void directFormFallsBackToIyziPaymentIdWhenPaymentIdIsAbsent() throws Exception {
        String withoutPaymentId = DIRECT.replace("\"paymentId\":\"22484059\",", "");
        assertThat(verify(DIRECT_SIGNATURE, withoutPaymentId, List.of(SECRET))).isEqualTo(Verification.VALID);
    }

    @Test
    void signingHelperReproducesBothVectors() throws Exception {
        assertThat(IyzicoScheme.signature(SECRET, json.readTree(HOSTED_PAGE))).isEqualTo(HOSTED_PAGE_SIGNATURE);
        assertThat(IyzicoScheme.signature(SECRET, json.readTree(DIRECT))).isEqualTo(DIRECT_SIGNATURE);
    }

    @Test
    void anAlreadyParsedBodyIsUsed() throws Exception {
        var request = new SignedRequest(Map.of("x-iyz-signature-v3", DIRECT_SIGNATURE), new byte[0], json.readTree(DIRECT));
        assertThat(scheme.verify(request, List.of(SECRET), null, null)).isEqualTo(Verification.VALID);
    }

    @Test
    void upperCaseHexIsAccepted() {
        assertThat(verify(DIRECT_SIGNATURE.toUpperCase(), DIRECT, List.of(SECRET))).isEqualTo(Verification.VALID);
    }

    @Test
    void tamperedSignedFieldFails() {
        assertThat(verify(HOSTED_PAGE_SIGNATURE, HOSTED_PAGE.replace("SUCCESS", "FAILURE"), List.of(SECRET)))
                .isEqualTo(Verification.BAD_SIGNATURE);
        assertThat(verify(DIRECT_SIGNATURE, DIRECT.replace("\"22484059\"", "\"22484058\""), List.of(SECRET)))
                .isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void wrongSecretFails() {
        assertThat(verify(DIRECT_SIGNATURE, DIRECT, List.of("sandbox-other"))).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void duringRotationASignatureFromEitherSecretVerifies() throws Exception {
        var secrets = List.of("sandbox-old", SECRET);
        assertThat(verify(DIRECT_SIGNATURE, DIRECT, secrets)).isEqualTo(Verification.VALID);
        String signedWithOld = IyzicoScheme.signature("sandbox-old", json.readTree(DIRECT));
        assertThat(verify(signedWithOld, DIRECT, secrets)).isEqualTo(Verification.VALID);
        assertThat(verify(signedWithOld, DIRECT, List.of(SECRET))).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @Test
    void missingHeaderIsMissingSignature() {
        assertThat(verify(null, DIRECT, List.of(SECRET))).isEqualTo(Verification.MISSING_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"garbage", "4031c5", "zz31c575763486a2d2bf3f7ace0baebfcd6bed65393ab4df3fe80c00d5fd6878"})
    void malformedHeaderIsBadSignatureNotAnException(String header) {
        assertThat(verify(header, HOSTED_PAGE, List.of(SECRET))).isEqualTo(Verification.BAD_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "\"text\"", "{\"unterminated\": "})
    void bodyThatIsNotAJsonObjectIsBadSignatureNotAnException(String body) {
        assertThat(verify(DIRECT_SIGNATURE, body, List.of(SECRET))).isEqualTo(Verification.BAD_SIGNATURE);
    }
}
