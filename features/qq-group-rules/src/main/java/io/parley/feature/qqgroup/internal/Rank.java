package io.parley.feature.qqgroup.internal;

/** Who a user is in a QQ group, highest first. */
enum Rank {
    OWNER, ADMIN, MEMBER, NONE;

    boolean atLeast(Rank other) {
        return ordinal() <= other.ordinal();
    }
}
