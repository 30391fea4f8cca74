package io.parley.feature.qqgroup;

/** GROUP_JOIN answer: "joined", or "pending" until the owner or an admin decides. */
public record JoinResponse(String status) {
    public static final String JOINED = "joined";
    public static final String PENDING = "pending";
}
