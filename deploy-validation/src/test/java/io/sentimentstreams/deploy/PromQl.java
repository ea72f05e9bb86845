package io.sentimentstreams.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Extracts the metric names a PromQL expression reads (Grafana variables allowed): what is left after
 * removing strings, label matchers, range selectors, grouping clauses, function names, keywords and
 * numbers. Enough for the expressions in deploy/, not a full PromQL parser.
 */
final class PromQl {

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan", "Inf", "NaN");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{[^}]*}|\\$__\\w+|\\$\\w+");
    private static final Pattern STRING = Pattern.compile("\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^{}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\[\\]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    /** Grafana's label_values(expr, label): only expr is PromQL. */
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$", Pattern.DOTALL);

    private PromQl() {
    }

    static Set<String> metricNames(final String expression) {
        String e = expression;
        final Matcher lv = LABEL_VALUES.matcher(e);
        if (lv.matches()) {
            e = lv.group(1);
        }
        e = GRAFANA_VARIABLE.matcher(e).replaceAll("5m");
        e = STRING.matcher(e).replaceAll("\"\"");
        e = MATCHERS.matcher(e).replaceAll("");
        e = RANGE.matcher(e).replaceAll("");
        e = GROUPING.matcher(e).replaceAll("");
        final Set<String> names = new LinkedHashSet<>();
        final Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
