package com.healthtourism.hub.approvals;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.healthtourism.hub.audit.AuditEntry;
import com.healthtourism.hub.audit.AuditTrail;
import com.healthtourism.hub.crypto.FieldCipher;
import com.healthtourism.hub.problems.BadRequest;
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.web.PageSize;

/**
 * The ops API of the approval queue (role OPS; the raw payload is admin-only). Lists and counts read across
 * tenants; every payload read, masked or raw, is audited in the item's tenant; decisions go through
 * {@link ApprovalDecisions}.
 */
@RestController
@RequestMapping("/ops/api/approvals")
public class ApprovalsController {

    private static final String RESOURCE = "approval_item";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    private final TenantTransactions transactions;
    private final ApprovalItems items;
    private final ApprovalDecisions decisions;
    private final ApprovalIndex index;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final ObjectMapper json;
    private final int bulkCap;

    public ApprovalsController(TenantTransactions transactions, ApprovalItems items, ApprovalDecisions decisions,
                               ApprovalIndex index, FieldCipher cipher, AuditTrail audit, ObjectMapper json,
                               @Value("${hub.approvals.bulk-cap}") int bulkCap) {
        this.transactions = transactions;
        this.items = items;
        this.decisions = decisions;
        this.index = index;
        this.cipher = cipher;
        this.audit = audit;
        this.json = json;
        this.bulkCap = bulkCap;
    }

    /** A decision's body: the reason (required to deny). */
    public record Decision(String reason) {
    }

    /** A bulk action: the filter it acts on (at least one field, or all), and the reason. */
    public record BulkDecision(String tenant, String route, String errorType, String olderThan, Boolean all,
                               String reason) {

        ApprovalFilter filter() {
            var filter = ApprovalFilter.parse(tenant, route, null, errorType, olderThan);
            if (filter.isEmpty() && !Boolean.TRUE.equals(all)) {
                throw new BadRequest("filter", "filter: a bulk action needs tenant, route, errorType or olderThan,"
                        + " or \"all\": true");
            }
            return filter;
        }
    }

    @GetMapping
    public ApprovalItems.Page list(@RequestParam(required = false) String tenant,
                                   @RequestParam(required = false) String route,
                                   @RequestParam(required = false) String status,
                                   @RequestParam(required = false) String errorType,
                                   @RequestParam(required = false) String olderThan,
                                   @RequestParam(required = false) String limit,
                                   @RequestParam(required = false) String after) {
        var filter = ApprovalFilter.parse(tenant, route, status, errorType, olderThan);
        var size = PageSize.parse(limit, DEFAULT_LIMIT, MAX_LIMIT);
        var cursor = after == null || after.isBlank() ? null : after;
        return transactions.readForOps(db -> items.search(db, filter, size, cursor));
    }

    @GetMapping("/summary")
    public ApprovalItems.Summary summary(@RequestParam(required = false) String tenant,
                                         @RequestParam(required = false) String route) {
        var filter = ApprovalFilter.parse(tenant, route, null, null, null);
        return transactions.readForOps(db -> items.summary(db, filter));
    }

    @GetMapping("/{id}")
    public ApprovalView get(@PathVariable UUID id) {
        return transactions.readForOps(db -> items.find(db, id)).orElseThrow(() -> new NotFound("approval item", id));
    }

    /** The payload with its personal data masked, for deciding; the read is audited. */
    @GetMapping("/{id}/preview")
    public Map<String, Object> preview(@PathVariable UUID id, HttpServletRequest http, Authentication operator) {
        var plain = read(id, http, operator, "approval.payload.preview");
        var contentType = plain.headers().getOrDefault("Content-Type", "application/json");
        var preview = new LinkedHashMap<String, Object>();
        try {
            preview.put("payload", PiiMask.mask(json.readTree(plain.body())));
            preview.put("contentType", "application/json");
        } catch (IOException notJson) {
            preview.put("contentType", contentType);
            preview.put("text", "(" + plain.body().length + " bytes, not JSON: hidden; the raw payload is for admins)");
        }
        return preview;
    }

    /** The original body byte-exact (admin only, audited), as an attachment a browser never renders. */
    @GetMapping("/{id}/payload")
    public ResponseEntity<byte[]> payload(@PathVariable UUID id, HttpServletRequest http, Authentication operator) {
        var plain = read(id, http, operator, "approval.payload.read");
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_OCTET_STREAM);
        headers.setContentDisposition(ContentDisposition.attachment().filename(id + ".body").build());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Security-Policy", "sandbox");
        headers.setCacheControl("no-store");
        return ResponseEntity.ok().headers(headers).body(plain.body());
    }

    @PostMapping("/{id}/grant")
    public ApprovalView grant(@PathVariable UUID id, @RequestBody(required = false) Decision decision,
                              HttpServletRequest http, Authentication operator) {
        return decisions.grant(id, operatorOf(http, operator), decision == null ? null : decision.reason());
    }

    @PostMapping("/{id}/deny")
    public ApprovalView deny(@PathVariable UUID id, @RequestBody(required = false) Decision decision,
                             HttpServletRequest http, Authentication operator) {
        return decisions.deny(id, operatorOf(http, operator), decision == null ? null : decision.reason());
    }

    @PostMapping("/grant")
    public ApprovalDecisions.BulkResult grantAll(@RequestBody BulkDecision bulk, HttpServletRequest http,
                                                 Authentication operator) {
        return decisions.grantAll(bulk.filter(), operatorOf(http, operator), bulk.reason(), bulkCap);
    }

    @PostMapping("/deny")
    public ApprovalDecisions.BulkResult denyAll(@RequestBody BulkDecision bulk, HttpServletRequest http,
                                                Authentication operator) {
        return decisions.denyAll(bulk.filter(), operatorOf(http, operator), bulk.reason(), bulkCap);
    }

    /** Rebuilds Redis queue:approvals from PostgreSQL (after a Redis flush or outage). */
    @PostMapping("/index/rebuild")
    public Map<String, Integer> rebuildIndex() {
        var listed = index.rebuild(() -> transactions.readForOps(db -> items.pending(db,
                new ApprovalFilter(null, null, null, null, null), Integer.MAX_VALUE)));
        return Map.of("pending", listed);
    }

    private record Plain(Map<String, String> headers, byte[] body) {
    }

    /** Decrypts inside the item's tenant transaction, so the audit row commits only if the body was read. */
    private Plain read(UUID id, HttpServletRequest http, Authentication operator, String action) {
        var tenant = get(id).tenantId();
        return transactions.inTenant(tenant, db -> items.stored(db, id).map(stored -> {
            var body = cipher.decrypt(stored.ciphertext(), ApprovalItems.bodyContext(tenant, id));
            audit.record(db, AuditEntry.from(http, operator, tenant, action, RESOURCE, id, true,
                    Map.of("routeId", stored.item().routeId())));
            return new Plain(stored.headers(), body);
        })).orElseThrow(() -> new NotFound("approval item", id));
    }

    private static ApprovalDecisions.Operator operatorOf(HttpServletRequest http, Authentication operator) {
        return new ApprovalDecisions.Operator(operator.getName(), http.getRemoteAddr(),
                http.getHeader(HttpHeaders.USER_AGENT));
    }
}
