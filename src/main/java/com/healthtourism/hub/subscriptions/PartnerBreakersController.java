package com.healthtourism.hub.subscriptions;

import java.util.List;
import java.util.UUID;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Which partners this instance holds to be down (role OPS): the circuit breaker of each subscription it has delivered
 * to, open and half-open ones first, optionally of one tenant. Ids and counts only.
 */
@RestController
public class PartnerBreakersController {

    private final PartnerBreakers breakers;

    public PartnerBreakersController(PartnerBreakers breakers) {
        this.breakers = breakers;
    }

    /** The breakers and their state. */
    public record Breakers(List<PartnerBreakers.View> breakers) {
    }

    @GetMapping("/ops/api/partner-breakers")
    public Breakers breakers(@RequestParam(required = false) UUID tenant) {
        return new Breakers(breakers.views(tenant));
    }
}
