package io.parley.feature.contentfilter.internal;

import io.parley.api.ParleyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The filter's rules, read from the configuration's properties: words ({@code mask}, {@code reject}, comma-
 * separated, whole words in any case) and Java regular expressions ({@code maskPattern.<name>},
 * {@code rejectPattern.<name>}, one a key). A refusing rule wins over a masking one. Matching a message has a
 * time budget: a pattern that backtracks without end on some text refuses that message rather than hold a
 * worker.
 */
final class Rules {

    enum Action {
        MASK, REJECT
    }

    /** One rule: what it matches, what it does, and how the configuration named it (for the log). */
    record Rule(Pattern pattern, Action action, String name) {
    }

    /** Thrown by the text when the message's time budget is spent. */
    static final class OutOfTime extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Rule rule;

        OutOfTime(Rule rule) {
            super(null, null, false, false);
            this.rule = rule;
        }
    }

    static final String DEFAULT_REFUSAL = "This message was not sent: it contains something this server does not "
            + "allow.";

    final List<Rule> rules;
    final String refusal;
    final long budgetNanos;

    private Rules(List<Rule> rules, String refusal, long budgetNanos) {
        this.rules = List.copyOf(rules);
        this.refusal = refusal;
        this.budgetNanos = budgetNanos;
    }

    /**
     * The rules of a configuration; a pattern that does not compile is refused with its key and the reason, so the
     * operator's edit is not taken half.
     */
    static Rules of(Map<String, ?> properties) {
        List<Rule> rules = new ArrayList<>();
        words(properties.get("reject"), Action.REJECT, rules);
        words(properties.get("mask"), Action.MASK, rules);
        // Sorted by key: the same order at every start.
        for (Map.Entry<String, ?> e : new TreeMap<String, Object>(properties).entrySet()) {
            Action action = e.getKey().startsWith("rejectPattern.") ? Action.REJECT
                    : e.getKey().startsWith("maskPattern.") ? Action.MASK : null;
            if (action == null || e.getValue() == null || e.getValue().toString().isBlank()) {
                continue;
            }
            try {
                rules.add(new Rule(Pattern.compile(e.getValue().toString(), Pattern.UNICODE_CASE), action, e.getKey()));
            } catch (PatternSyntaxException bad) {
                throw new IllegalArgumentException(e.getKey() + " is not a regular expression: " + bad.getDescription());
            }
        }
        rules.sort((a, b) -> a.action() == b.action() ? 0 : a.action() == Action.REJECT ? -1 : 1);
        Object refusal = properties.get("rejectMessage");
        Object budget = properties.get("matchMillis");
        long millis = budget == null ? 50 : Long.parseLong(budget.toString().trim());
        if (millis < 1) {
            throw new IllegalArgumentException("matchMillis must be 1 or more");
        }
        return new Rules(rules, refusal == null || refusal.toString().isBlank() ? DEFAULT_REFUSAL : refusal.toString(),
                millis * 1_000_000L);
    }

    private static void words(Object list, Action action, List<Rule> rules) {
        if (list == null) {
            return;
        }
        for (String word : list.toString().split(",")) {
            String w = word.strip();
            if (!w.isEmpty()) {
                rules.add(new Rule(Pattern.compile("(?<![\\p{L}\\p{N}_])" + Pattern.quote(w) + "(?![\\p{L}\\p{N}_])",
                        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE), action, (action == Action.MASK ? "mask" : "reject")
                        + " word"));
            }
        }
    }

    /**
     * The text with every masked match replaced by as many {@code *} as it has characters; FORBIDDEN when a refusing
     * rule matches; {@link OutOfTime} when the budget is spent.
     */
    String apply(String text) {
        long deadline = System.nanoTime() + budgetNanos;
        String now = text;
        for (Rule rule : rules) {
            Matcher m = rule.pattern().matcher(new Budgeted(now, deadline, rule));
            if (rule.action() == Action.REJECT) {
                if (m.find()) {
                    throw ParleyException.forbidden(refusal);
                }
                continue;
            }
            StringBuilder out = null;
            int last = 0;
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue; // an empty match masks nothing
                }
                if (out == null) {
                    out = new StringBuilder(now.length());
                }
                out.append(now, last, m.start());
                out.append("*".repeat(now.codePointCount(m.start(), m.end())));
                last = m.end();
            }
            if (out != null) {
                out.append(now, last, now.length());
                now = out.toString();
            }
        }
        return now;
    }

    /** The text as the matcher reads it, checking the clock every few thousand characters read. */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private final long deadline;
        private final Rule rule;
        private int reads;

        Budgeted(String text, long deadline, Rule rule) {
            this.text = text;
            this.deadline = deadline;
            this.rule = rule;
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 4095) == 0 && System.nanoTime() > deadline) {
                throw new OutOfTime(rule);
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.substring(start, end), deadline, rule);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
