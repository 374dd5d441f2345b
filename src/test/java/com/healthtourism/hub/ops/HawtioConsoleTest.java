package com.healthtourism.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import com.healthtourism.hub.local.HubTest;

/** Hawtio is served by the hub, only to the ops role, and sees the Camel routes from routes/. */
@HubTest
class HawtioConsoleTest {

    private static final Pattern ROUTE_ID = Pattern.compile("(?m)^- route:\\s*\\n\\s+id:\\s*(\\S+)");

    @Autowired
    TestRestTemplate http;

    @Test
    void aBrowserWithoutLoginIsSentToTheLoginPage() {
        var headers = new HttpHeaders();
        headers.setAccept(List.of(MediaType.TEXT_HTML));
        // The client follows the redirect: what it ends on is the login form, not the console.
        var response = http.exchange("/actuator/hawtio/", HttpMethod.GET, new HttpEntity<>(headers), String.class);
        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(response.getBody()).contains("action=\"/login\"").contains("name=\"password\"")
                .doesNotContainIgnoringCase("hawtio");
    }

    @Test
    void anApiClientWithoutTheOpsRoleIsRefused() {
        assertThat(http.getForEntity("/actuator/jolokia/version", String.class).getStatusCode())
                .isEqualTo(HttpStatus.UNAUTHORIZED);
    }

    @Test
    void opsGetTheConsole() {
        var page = http.withBasicAuth("test-ops", "test-ops-password").getForEntity("/actuator/hawtio/", String.class);
        assertThat(page.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(page.getHeaders().getContentType().isCompatibleWith(MediaType.TEXT_HTML)).isTrue();
        assertThat(page.getBody()).containsIgnoringCase("hawtio");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theConsoleSeesEveryRouteFromTheRouteFiles() throws IOException {
        var search = http.withBasicAuth("test-ops", "test-ops-password")
                .getForObject("/actuator/jolokia/search/org.apache.camel:type=routes,*", Map.class);
        var mbeans = String.join("\n", (List<String>) search.get("value"));

        assertThat(routeIdsInRouteFiles()).isNotEmpty()
                .allSatisfy(id -> assertThat(mbeans).contains("name=\"" + id + "\""));
    }

    /**
     * Hawtio's browser client posts to Jolokia with the session cookie and no CSRF token; that must
     * work, while the SameSite=Strict session cookie keeps other sites from riding on the session.
     */
    @Test
    void hawtiosJolokiaClientWorksInsideAnOpsBrowserSession(@LocalServerPort int port) throws Exception {
        var browser = HttpClient.newHttpClient();
        var base = "http://127.0.0.1:" + port;
        var loginPage = browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(), BodyHandlers.ofString());
        var csrf = loginPage.body().replaceFirst("(?s).*name=\"_csrf\" type=\"hidden\" value=\"([^\"]+)\".*", "$1");
        var login = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", String.join("; ", cookies(loginPage.headers().allValues("set-cookie"))))
                .POST(BodyPublishers.ofString("username=test-ops&password=test-ops-password&_csrf=" + csrf))
                .build(), BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(302);
        var sessionCookie = login.headers().allValues("set-cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID=")).findFirst().orElseThrow();
        assertThat(sessionCookie).contains("SameSite=Strict").contains("HttpOnly");

        var read = browser.send(HttpRequest.newBuilder(URI.create(base + "/actuator/hawtio/jolokia/"))
                .header("Content-Type", "application/json")
                .header("Cookie", sessionCookie.split(";")[0])
                .POST(BodyPublishers.ofString("{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}"))
                .build(), BodyHandlers.ofString());

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("storage-layout");
    }

    /**
     * Ops manage routes through Jolokia, but may not make the hub send messages of their choosing, change a route,
     * trace messages, dump the heap, run diagnostic commands or read the JVM's command line (jolokia-access.xml).
     */
    @Test
    @SuppressWarnings("unchecked")
    void opsMayReadAndManageRoutesButNotSendMessagesChangeRoutesOrReachTheJvmsInsides() {
        var ops = http.withBasicAuth("test-ops", "test-ops-password");
        var contexts = (List<String>) ops.getForObject("/actuator/jolokia/search/org.apache.camel:type=context,*", Map.class)
                .get("value");
        var context = contexts.get(0);
        var route = context.replace("type=context", "type=routes").replaceFirst("name=\"[^\"]*\"", "name=\"storage-layout\"");

        assertThat(jolokia(ops, Map.of("type", "read", "mbean", route, "attribute", "ExchangesTotal"))).containsEntry("status", 200);
        assertThat(jolokia(ops, Map.of("type", "exec", "mbean", route, "operation", "reset()"))).containsEntry("status", 200);

        assertThat(jolokia(ops, Map.of("type", "exec", "mbean", context,
                "operation", "requestBodyAndHeaders(java.lang.String,java.lang.Object,java.util.Map)",
                "arguments", List.of("direct:doktor365-read", "", Map.of("hubTenant", "00000000-0000-0000-0000-000000000000")))))
                .as("sending a message of one's choosing").containsEntry("status", 403);
        assertThat(jolokia(ops, Map.of("type", "exec", "mbean", context, "operation", "sendBody(java.lang.String,java.lang.Object)",
                "arguments", List.of("direct:dead-letter", "x")))).containsEntry("status", 403);
        assertThat(jolokia(ops, Map.of("type", "exec", "mbean", route, "operation", "updateRouteFromXml(java.lang.String)",
                "arguments", List.of("<route/>")))).as("changing a route").containsEntry("status", 403);
        assertThat(jolokia(ops, Map.of("type", "exec", "mbean", "com.sun.management:type=DiagnosticCommand",
                "operation", "help([Ljava.lang.String;)", "arguments", List.of(List.of())))).containsEntry("status", 403);
        assertThat(jolokia(ops, Map.of("type", "exec", "mbean", "com.sun.management:type=HotSpotDiagnostic",
                "operation", "dumpHeap(java.lang.String,boolean)", "arguments", List.of("/tmp/hub.hprof", true))))
                .containsEntry("status", 403);
        assertThat(jolokia(ops, Map.of("type", "read", "mbean", "java.lang:type=Runtime", "attribute", "SystemProperties")))
                .as("the command line, in sun.java.command").containsEntry("status", 403);
        assertThat(jolokia(ops, Map.of("type", "write", "mbean", "java.lang:type=Memory", "attribute", "Verbose", "value", true)))
                .containsEntry("status", 403);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jolokia(TestRestTemplate ops, Map<String, Object> request) {
        return ops.postForObject("/actuator/jolokia", request, Map.class);
    }

    private static List<String> cookies(List<String> setCookies) {
        return setCookies.stream().map(c -> c.split(";")[0]).toList();
    }

    private static List<String> routeIdsInRouteFiles() throws IOException {
        try (var files = Files.walk(Path.of("routes"))) {
            return files.filter(f -> f.toString().endsWith(".yaml")).flatMap(f -> {
                try {
                    var matcher = ROUTE_ID.matcher(Files.readString(f));
                    var ids = new java.util.ArrayList<String>();
                    while (matcher.find()) {
                        ids.add(matcher.group(1));
                    }
                    return ids.stream();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
