package io.parley.feature.recall.internal;

/** The {@code event} that takes a recalled message's place: {@code {type: "recall", msgId}}. */
public record RecallEvent(String type, long msgId) {

    RecallEvent(long msgId) {
        this("recall", msgId);
    }
}
