package io.parley.api.group;

import java.util.Objects;

/**
 * A rule's answer. Any DENY refuses the action with its reason (FORBIDDEN); otherwise any ALLOW permits it,
 * replacing the core discussion-group policy; when every rule abstains, the core policy decides.
 */
public record Decision(Verdict verdict, String reason) {

    public enum Verdict {
        ALLOW, DENY, ABSTAIN
    }

    public static final Decision ALLOW = new Decision(Verdict.ALLOW, "");
    public static final Decision ABSTAIN = new Decision(Verdict.ABSTAIN, "");

    public Decision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    /** Refuses the action; the reason is a sentence for the user. */
    public static Decision deny(String reason) {
        return new Decision(Verdict.DENY, reason);
    }
}
