package io.sentimentstreams.cli;

import io.sentimentstreams.json.UnknownNameException;
import io.sentimentstreams.json.WireName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A small flag parser shared by the commands: {@code --name value}, {@code --name=value} and boolean
 * {@code --flag}; anything not declared is a {@link UsageException}.
 */
public final class Args {

    private final Map<String, String> values = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /**
     * @param valued flags that take a value (without the leading dashes)
     * @param flags  boolean flags
     */
    public static Args parse(final List<String> args, final Set<String> valued, final Set<String> flags) {
        final Args parsed = new Args();
        for (int i = 0; i < args.size(); i++) {
            final String a = args.get(i);
            if (a.equals("--")) {
                parsed.positional.addAll(args.subList(i + 1, args.size()));
                break;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                parsed.positional.add(a);
                continue;
            }
            final int eq = a.indexOf('=');
            final String name = eq > 0 ? a.substring(2, eq) : a.substring(2);
            if (valued.contains(name)) {
                final String value;
                if (eq > 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
                parsed.values.put(name, value);
            } else if (flags.contains(name) && eq < 0) {
                parsed.values.put(name, "true");
            } else {
                throw new UsageException("unknown option --" + name);
            }
        }
        return parsed;
    }

    public boolean has(final String name) {
        return values.containsKey(name);
    }

    public String get(final String name, final String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public String require(final String name) {
        final String v = values.get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required");
        }
        return v;
    }

    public int getInt(final String name, final int fallback) {
        return number(name, fallback, Integer::parseInt, "an integer");
    }

    public double getDouble(final String name, final double fallback) {
        return number(name, fallback, Double::parseDouble, "a number");
    }

    /** The value of {@code --name} through {@code parse}, or {@code fallback} when absent. */
    private <N> N number(final String name, final N fallback, final Function<String, N> parse, final String what) {
        final String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return parse.apply(v.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " expects " + what + ", got '" + v + "'");
        }
    }

    /**
     * The constant {@code parse} (an enum's {@code of}) makes of the value of {@code --name}, or {@code fallback}
     * when absent; a name the enum does not have is a {@link UsageException} listing the allowed ones.
     */
    public <E extends Enum<E> & WireName> E getEnum(final String name, final Function<String, E> parse,
                                                    final E fallback) {
        final String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return parse.apply(v);
        } catch (UnknownNameException e) {
            throw new UsageException("--" + name + " must be " + oneOf(e.allowed()) + ", got '" + v + "'");
        }
    }

    /** {@code a, b or c}. */
    public static String oneOf(final List<String> names) {
        final int last = names.size() - 1;
        return last <= 0 ? String.join("", names)
                : String.join(", ", names.subList(0, last)) + " or " + names.get(last);
    }

    public List<String> positional() {
        return List.copyOf(positional);
    }
}
