package dev.dunning.rules.internal;

import dev.dunning.decision.Decision;
import dev.dunning.decision.DunningCase;
import dev.dunning.decision.Exposure;
import dev.dunning.decision.InvoiceCase;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The facts a rule may match, and the fields (bean properties) each one offers. */
public final class FactTypes {

    public static final Map<String, Class<?>> MATCHABLE = Map.of(
            "DunningCase", DunningCase.class,
            "Exposure", Exposure.class,
            "InvoiceCase", InvoiceCase.class,
            "Decision", Decision.class);

    private FactTypes() {}

    public static Optional<Class<?>> byName(String simpleName) {
        return Optional.ofNullable(MATCHABLE.get(simpleName));
    }

    /** Readable properties of a type, by name, as Drools sees them (getX / isX). */
    public static Map<String, Method> properties(Class<?> type) {
        Map<String, Method> props = new TreeMap<>();
        for (Method m : type.getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = m.getName();
            if (name.startsWith("get") && name.length() > 3 && m.getReturnType() != void.class) {
                props.put(Introspector.decapitalize(name.substring(3)), m);
            } else if (name.startsWith("is") && name.length() > 2
                    && (m.getReturnType() == boolean.class || m.getReturnType() == Boolean.class)) {
                props.put(Introspector.decapitalize(name.substring(2)), m);
            }
        }
        return props;
    }

    /** Resolves a dotted property path such as {@code dunningCase.segment}; empty when a step does not exist. */
    public static Optional<Method> resolve(Class<?> type, String path) {
        Class<?> current = type;
        Method last = null;
        for (String step : path.split("\\.")) {
            last = properties(current).get(step);
            if (last == null) {
                return Optional.empty();
            }
            current = last.getReturnType();
        }
        return Optional.ofNullable(last);
    }

    /** The Decision methods rule authors may call, e.g. "propose(action), stage(whole number), ...". */
    public static String ruleMethods() {
        return Arrays.stream(Decision.class.getMethods())
                .filter(m -> m.getDeclaringClass() == Decision.class && m.getReturnType() == void.class)
                .filter(m -> !ENGINE_METHODS.contains(m.getName()))
                .sorted(java.util.Comparator.comparing(Method::getName).thenComparing(Method::getParameterCount))
                .map(m -> m.getName() + "(" + Arrays.stream(m.getParameters())
                        .map(p -> p.getName().startsWith("arg") ? p.getType().getSimpleName() : p.getName())
                        .collect(java.util.stream.Collectors.joining(", ")) + ")")
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static final java.util.Set<String> ENGINE_METHODS = java.util.Set.of("beginMatch", "endMatch", "finish");

    /** The Decision methods of that name a rule may call (the engine's own are not among them). */
    public static List<Method> decisionMethods(String name) {
        return Arrays.stream(Decision.class.getMethods())
                .filter(m -> m.getName().equals(name) && m.getDeclaringClass() == Decision.class)
                .filter(m -> m.getReturnType() == void.class && !ENGINE_METHODS.contains(m.getName()))
                .toList();
    }
}
