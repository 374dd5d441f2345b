package com.healthtourism.hub.approvals;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.apache.camel.CamelContext;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.healthtourism.hub.local.HubTest;
import com.healthtourism.hub.local.PartnerSandbox;
import com.healthtourism.hub.subscriptions.WebhookSubscriptions;
import com.healthtourism.hub.webhooks.WebhookClient;

/**
 * The ops page in Debian's real headless Chromium (packages chromium and chromium-driver, which .ci/run installs):
 * log in through the form, filter by tenant, deny one item with a reason and grant another, then check both through
 * the API; partner-controlled text stays text; bulk deny asks for a reason and a confirmation.
 */
@HubTest
class ApprovalsPageBrowserTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static WireMockServer partner;

    @LocalServerPort
    int port;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    CamelContext camel;

    private WebDriver browser;

    @BeforeAll
    static void startPartner() {
        partner = PartnerSandbox.start();
    }

    @AfterAll
    static void stopPartner() {
        partner.stop();
    }

    @BeforeEach
    void openBrowser() {
        assertThat(new File(CHROMEDRIVER)).as("apt-get install chromium chromium-driver").exists();
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        var options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1400,1000");
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorLogsInFiltersDeniesOneItemWithAReasonAndGrantsAnother() {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var otherTenant = hub.tenantWithSources(Map.of());
        var path = "/hooks/" + tenant;
        partner.stubFor(post(urlEqualTo(path)).willReturn(aResponse().withStatus(204)));
        var subscription = hub.admin("PUT", "/admin/tenants/" + tenant + "/subscriptions/crm",
                Map.of("url", partner.baseUrl() + path, "events", List.of("payment.*")));
        assertThat(subscription.status()).isEqualTo(201);
        var subscriptionUuid = subscriptionIdOf(tenant);
        var toDeny = park(tenant, subscriptionUuid, "evt_deny_" + UUID.randomUUID());
        var toGrant = park(tenant, subscriptionUuid, "evt_grant_" + UUID.randomUUID());
        var elsewhere = park(otherTenant, UUID.randomUUID(), "evt_other_" + UUID.randomUUID());

        var wait = openAsOps();
        filterByTenant(wait, tenant.toString());
        wait.until(driver -> driver.findElements(By.cssSelector("#items tbody tr")).size() == 2
                && driver.findElements(By.cssSelector("tr[data-item-id='" + elsewhere + "']")).isEmpty());
        assertThat(browser.findElement(By.id("pending-count")).getText()).isEqualTo("2");

        browser.findElement(By.id("reason")).sendKeys("customer cancelled the booking");
        browser.findElement(By.cssSelector("tr[data-item-id='" + toDeny + "'] button.deny")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "is now denied"));
        browser.findElement(By.cssSelector("tr[data-item-id='" + toGrant + "'] button.grant")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "is now replayed"));
        wait.until(ExpectedConditions.textToBe(By.id("pending-count"), "0"));

        var ops = new OpsClient(port, OpsClient.OPS);
        var denied = ops.get("/ops/api/approvals/" + toDeny).body();
        assertThat(denied.get("status").asText()).isEqualTo("denied");
        assertThat(denied.get("reason").asText()).isEqualTo("customer cancelled the booking");
        assertThat(denied.get("decidedBy").asText()).isEqualTo(OpsClient.OPS);
        var granted = ops.get("/ops/api/approvals/" + toGrant).body();
        assertThat(granted.get("status").asText()).isEqualTo("replayed");
        assertThat(granted.get("reason").isNull()).as("the denial's reason is not carried into the next decision").isTrue();
        assertThat(ops.get("/ops/api/approvals/" + elsewhere).body().get("status").asText()).isEqualTo("pending");
        assertThat(partner.findAll(postRequestedFor(urlEqualTo(path)))).hasSize(1);
    }

    @Test
    void partnerControlledTextIsShownAsTextNeverAsHtmlAndTheDetailMasksPersonalData() {
        var tenant = new WebhookClient(port).tenantWithSources(Map.of());
        var markup = "<img src=x onerror=\"window.hubInjected=true\">";
        // A partner chooses its HTTP status text (the summary shows the standard phrase instead); a payload carries
        // whatever the sender put in it.
        var partnerDown = new HttpOperationFailedException("http://partner.invalid/hooks", 503, markup, null, Map.of(),
                "");
        var item = park(tenant, "{\"id\":\"evt_markup\",\"description\":\"" + markup.replace("\"", "\\\"")
                        + "\",\"patient\":{\"name\":\"Ayse Yilmaz\",\"email\":\"ayse@example.com\"},\"amount\":1200}",
                UUID.randomUUID(), "evt_markup_" + UUID.randomUUID(), partnerDown);

        var wait = openAsOps();
        filterByTenant(wait, tenant.toString());
        var row = "tr[data-item-id='" + item + "']";
        // read and clicked afresh each time: the list may still be rendered once more (the page's first load)
        var rowText = wait.ignoring(StaleElementReferenceException.class)
                .until(driver -> driver.findElement(By.cssSelector(row)).getText());
        assertThat(rowText).contains("HTTP 503 Service Unavailable").doesNotContain("onerror");
        assertThat(browser.findElements(By.cssSelector(row + " img"))).isEmpty();

        wait.ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.findElement(By.cssSelector(row + " button.detail")).click();
            return true;
        });
        var detail = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#detail[data-item-id='" + item + "']")));
        var payload = browser.findElement(By.id("detail-payload")).getText();
        assertThat(payload).contains("\"***\"", "1200", "onerror").doesNotContain("Ayse", "ayse@example.com");
        assertThat(browser.findElement(By.id("detail-meta")).getText()).contains("HTTP 503 Service Unavailable", tenant.toString());
        assertThat(detail.findElements(By.tagName("img"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector("body img"))).isEmpty();
        assertThat(((JavascriptExecutor) browser).executeScript("return window.hubInjected === undefined")).isEqualTo(true);
    }

    @Test
    void bulkDenyNeedsAReasonAndAConfirmationAndDecidesOnlyTheFilteredItems() {
        var hub = new WebhookClient(port);
        var tenant = hub.tenantWithSources(Map.of());
        var otherTenant = hub.tenantWithSources(Map.of());
        var first = park(tenant, UUID.randomUUID(), "evt_bulk_" + UUID.randomUUID());
        var second = park(tenant, UUID.randomUUID(), "evt_bulk_" + UUID.randomUUID());
        var elsewhere = park(otherTenant, UUID.randomUUID(), "evt_bulk_" + UUID.randomUUID());

        var wait = openAsOps();
        filterByTenant(wait, "not-a-tenant-id");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#message.error"),
                "must be a tenant id"));
        filterByTenant(wait, tenant.toString());
        wait.until(driver -> driver.findElements(By.cssSelector("#items tbody tr")).size() == 2);

        browser.findElement(By.id("bulk-deny")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#message.error"), "needs a reason"));
        browser.findElement(By.id("bulk-grant")).click();
        var grantAll = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(grantAll.getText()).contains("Grant");
        grantAll.dismiss();

        browser.findElement(By.id("reason")).sendKeys("duplicate booking, cancelled at the clinic");
        browser.findElement(By.id("bulk-deny")).click();
        var denyAll = wait.until(ExpectedConditions.alertIsPresent());
        assertThat(denyAll.getText()).contains("Deny", "matching the filters");
        denyAll.accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "deny: 2 item(s)"));
        wait.until(ExpectedConditions.textToBe(By.id("pending-count"), "0"));

        var ops = new OpsClient(port, OpsClient.OPS);
        for (var id : List.of(first, second)) {
            var denied = ops.get("/ops/api/approvals/" + id).body();
            assertThat(denied.get("status").asText()).isEqualTo("denied");
            assertThat(denied.get("reason").asText()).isEqualTo("duplicate booking, cancelled at the clinic");
            assertThat(denied.get("decidedBy").asText()).isEqualTo(OpsClient.OPS);
        }
        assertThat(ops.get("/ops/api/approvals/" + elsewhere).body().get("status").asText()).isEqualTo("pending");
    }

    /** Opens the page and logs in through the form, as a browser without a session is sent there. */
    private WebDriverWait openAsOps() {
        browser.get("http://127.0.0.1:" + port + "/ops/approvals");
        var wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys(OpsClient.OPS);
        browser.findElement(By.id("password")).sendKeys("test-ops-password");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-tenant")));
        return wait;
    }

    private void filterByTenant(WebDriverWait wait, String tenant) {
        var field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("f-tenant")));
        field.clear();
        field.sendKeys(tenant);
        browser.findElement(By.id("apply")).click();
    }

    private UUID subscriptionIdOf(UUID tenant) {
        var exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("{\"id\":\"probe\",\"type\":\"payment.succeeded\",\"tenantid\":\"" + tenant + "\"}");
        var deliveries = camel.getRegistry().lookupByNameAndType("webhookSubscriptions", WebhookSubscriptions.class)
                .deliveries(exchange);
        return UUID.fromString(deliveries.get(0).getHeader("hubSubscription", String.class));
    }

    /** A delivery to the subscription that failed for good, handed to the dead-letter channel as Camel does. */
    private UUID park(UUID tenant, UUID subscription, String eventId) {
        return park(tenant, "{\"specversion\":\"1.0\",\"id\":\"" + eventId + "\",\"type\":\"payment.succeeded\","
                + "\"tenantid\":\"" + tenant + "\",\"data\":{\"amount\":1200}}", subscription, eventId,
                new IllegalStateException("partner was down"));
    }

    private UUID park(UUID tenant, String body, UUID subscription, String eventId, Exception failure) {
        var exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        exchange.getMessage().setHeader("hubTenant", tenant.toString());
        exchange.getMessage().setHeader("hubSubscription", subscription.toString());
        exchange.getMessage().setHeader("hubOriginKey", subscription + ":" + eventId);
        exchange.getMessage().setHeader("hubEventId", eventId);
        exchange.getMessage().setHeader("hubEventType", "payment.succeeded");
        exchange.setProperty(Exchange.FAILURE_ROUTE_ID, "partner-webhook-delivery");
        exchange.setProperty(Exchange.FAILURE_ENDPOINT, partner.baseUrl() + "/hooks/" + tenant);
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        var result = producer.send("direct:dead-letter", exchange);
        assertThat(result.getException()).isNull();
        return result.getProperty(ApprovalQueue.PARKED_ITEM, UUID.class);
    }
}
