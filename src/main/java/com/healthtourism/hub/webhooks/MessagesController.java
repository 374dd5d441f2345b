package com.healthtourism.hub.webhooks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
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
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.tenancy.TenantRepository;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.web.PageSize;

/**
 * Ops view of a tenant's inbound messages: search and read metadata (ops and admin); read the raw
 * payload and replay (admin, audited; the security configuration keeps ops out). A replay sets the
 * message back to accepted and queues it on the outbox again, so it is published under its own id.
 */
@RestController
@RequestMapping("/ops/tenants/{tenantId}/messages")
public class MessagesController {

    private static final String RESOURCE = "inbound_message";
    private static final int DEFAULT_PAGE = 50;
    private static final int MAX_PAGE = 500;

    private final TenantTransactions transactions;
    private final InboundMessageSearch messages;
    private final FieldCipher cipher;
    private final AuditTrail audit;
    private final TenantRepository tenants;
    private final int replayCap;

    public MessagesController(TenantTransactions transactions, InboundMessageSearch messages, FieldCipher cipher,
                              AuditTrail audit, TenantRepository tenants, @Value("${hub.ops.replay-cap}") int replayCap) {
        this.transactions = transactions;
        this.tenants = tenants;
        this.messages = messages;
        this.cipher = cipher;
        this.audit = audit;
        this.replayCap = replayCap;
    }

    /** A filter for a bulk replay: at least one field, or {@code "all": true} to replay everything. */
    public record ReplayFilter(String source, String type, String status, String from, String to, Boolean all) {
    }

    /** What a replay did: how many messages, which, and whether more matched than one call replays. */
    public record ReplayResult(int replayed, List<UUID> ids, boolean more) {
    }

    @GetMapping
    public InboundMessageSearch.Page search(@PathVariable UUID tenantId,
                                            @RequestParam(required = false) String source,
                                            @RequestParam(required = false) String type,
                                            @RequestParam(required = false) String status,
                                            @RequestParam(required = false) String from,
                                            @RequestParam(required = false) String to,
                                            @RequestParam(required = false) String limit,
                                            @RequestParam(required = false) String after) {
        var query = MessageQuery.parse(source, type, status, from, to);
        var size = PageSize.parse(limit, DEFAULT_PAGE, MAX_PAGE);
        var cursor = after == null || after.isBlank() ? null : after;
        return transactions.inTenant(tenantId, db -> messages.search(db, tenantId, query, size, cursor));
    }

    @GetMapping("/{id}")
    public MessageView get(@PathVariable UUID tenantId, @PathVariable UUID id) {
        return transactions.inTenant(tenantId, db -> messages.find(db, tenantId, id))
                .orElseThrow(() -> new NotFound("message", id));
    }

    /** The body byte-exact as the partner sent it, with its content type; the read is audited. */
    @GetMapping("/{id}/payload")
    public ResponseEntity<byte[]> payload(@PathVariable UUID tenantId, @PathVariable UUID id,
                                          HttpServletRequest http, Authentication operator) {
        // Decrypted inside the transaction: the audit row commits only if the body was actually read.
        var stored = transactions.inTenant(tenantId, db -> messages.body(db, tenantId, id).map(found -> {
            var plain = cipher.decrypt(found.ciphertext(), InboundMessages.bodyContext(tenantId, id));
            audit.record(db, AuditEntry.from(http, operator, tenantId, "message.payload.read", RESOURCE, id, true,
                    metadataOf(found.message())));
            return new Payload(plain, found.contentType());
        })).orElseThrow(() -> new NotFound("message", id));
        var headers = new HttpHeaders();
        headers.setContentType(contentType(stored.contentType()));
        // A partner's body is untrusted: never rendered by a browser that opens this URL.
        headers.setContentDisposition(ContentDisposition.attachment().filename(id + ".body").build());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Content-Security-Policy", "sandbox");
        headers.setCacheControl("no-store");
        return ResponseEntity.ok().headers(headers).body(stored.body());
    }

    @PostMapping("/{id}/replay")
    public ResponseEntity<ReplayResult> replayOne(@PathVariable UUID tenantId, @PathVariable UUID id,
                                                  HttpServletRequest http, Authentication operator) {
        var ids = transactions.inTenant(tenantId, db -> {
            var replayed = messages.replay(db, tenantId, id);
            if (!replayed.isEmpty()) {
                audit.record(db, AuditEntry.from(http, operator, tenantId, "message.replay", RESOURCE, id, true,
                        Map.of("count", 1, "ids", List.of(id.toString()))));
            }
            return replayed;
        });
        if (ids.isEmpty()) {
            throw new NotFound("message", id);
        }
        return ResponseEntity.accepted().body(new ReplayResult(ids.size(), ids, false));
    }

    @PostMapping("/replay")
    public ResponseEntity<ReplayResult> replayMatching(@PathVariable UUID tenantId, @RequestBody ReplayFilter filter,
                                                       HttpServletRequest http, Authentication operator) {
        var query = MessageQuery.parse(filter.source(), filter.type(), filter.status(), filter.from(), filter.to());
        if (query.isEmpty() && !Boolean.TRUE.equals(filter.all())) {
            throw new MessageQuery.InvalidFilter("all",
                    "give at least one of source, type, status, from, to, or \"all\": true to replay every message");
        }
        // a tenant that does not exist has nothing to replay, and its audit row could not be written
        tenants.find(tenantId).orElseThrow(() -> new NotFound("tenant", tenantId));
        var result = transactions.inTenant(tenantId, db -> {
            var more = messages.count(db, tenantId, query, replayCap + 1) > replayCap;
            var ids = messages.replay(db, tenantId, query, replayCap);
            var metadata = new LinkedHashMap<String, Object>();
            metadata.put("count", ids.size());
            metadata.put("ids", ids.stream().map(UUID::toString).toList());
            metadata.put("filter", query.asMap());
            metadata.put("all", Boolean.TRUE.equals(filter.all()));
            metadata.put("more", more);
            audit.record(db, AuditEntry.from(http, operator, tenantId, "message.replay", RESOURCE, null, true, metadata));
            return new ReplayResult(ids.size(), ids, more);
        });
        return ResponseEntity.accepted().body(result);
    }

    private record Payload(byte[] body, String contentType) {
    }

    private static MediaType contentType(String received) {
        if (received == null || received.isBlank()) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
        try {
            var type = MediaType.parseMediaType(received);
            return type.isConcrete() ? type : MediaType.APPLICATION_OCTET_STREAM;
        } catch (InvalidMediaTypeException e) {
            return MediaType.APPLICATION_OCTET_STREAM;
        }
    }

    private static Map<String, Object> metadataOf(MessageView message) {
        var metadata = new LinkedHashMap<String, Object>();
        metadata.put("source", message.source());
        if (message.eventType() != null) {
            metadata.put("eventType", message.eventType());
        }
        return metadata;
    }
}
