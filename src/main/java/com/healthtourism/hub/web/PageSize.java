package com.healthtourism.hub.web;

import com.healthtourism.hub.problems.BadRequest;

/** The {@code limit} of a paged list: absent means the default; anything but a whole number in range is a 400. */
public final class PageSize {

    private PageSize() {
    }

    public static int parse(String limit, int defaultSize, int max) {
        if (limit == null || limit.isBlank()) {
            return defaultSize;
        }
        try {
            var size = Integer.parseInt(limit.strip());
            if (size >= 1 && size <= max) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below like any other value out of range
        }
        throw new BadRequest("limit", "limit: must be a whole number from 1 to " + max);
    }
}
