package io.sentimentstreams.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Walks a fabric8 model object and lists every field the model did not know: fabric8 keeps those in
 * {@code additionalProperties} instead of failing, so a misspelt {@code readinessProbe} would otherwise
 * parse "fine" and be dropped by the API server.
 */
final class UnknownFields {

    private UnknownFields() {
    }

    /** One line per unknown field, as {@code path: unknown field(s) [names]}; empty when there is none. */
    static List<String> find(final Object model) {
        final List<String> found = new ArrayList<>();
        walk(model, "", found, 0);
        return found;
    }

    private static void walk(final Object o, final String path, final List<String> found, final int depth) {
        if (o == null || depth > 64) {
            return;
        }
        if (o instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found, depth + 1));
            return;
        }
        if (o instanceof Collection<?> list) {
            int i = 0;
            for (final Object item : list) {
                walk(item, path + "[" + i++ + "]", found, depth + 1);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (final Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            final Object value;
            try {
                value = m.invoke(o);
            } catch (IllegalAccessException | InvocationTargetException e) {
                final Throwable cause = e.getCause() != null ? e.getCause() : e;
                found.add(path + "." + property(m) + ": cannot be read (" + cause.getMessage() + ")");
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add((path.isEmpty() ? "." : path) + ": unknown field(s) " + extra.keySet());
                }
            } else {
                walk(value, path + "." + property(m), found, depth + 1);
            }
        }
    }

    private static String property(final Method getter) {
        final String n = getter.getName().substring(3);
        return n.isEmpty() ? n : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }
}
