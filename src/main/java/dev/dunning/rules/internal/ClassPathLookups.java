package dev.dunning.rules.internal;

import java.net.URL;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The application's class path as Drools' Java compiler sees it, with every resource lookup remembered. The compiler
 * asks for each simple name it meets in each imported package ("is there a dev/dunning/decision/String.class?"), and
 * a miss makes the class loader look into every jar; profiling a 1,000-row table's build found a fifth of the
 * compiler's time in those lookups. The class path does not change while the service runs, so an answer, found or
 * not, stays right; classes are still loaded by the parent, so the rules see the same fact classes as the service.
 *
 * <p>Most misses are names of the build itself: the executable model writes its classes into sub-packages named
 * {@code P} and two hex digits and names them with a 32-digit hash that changes with every build
 * ({@code Rules<hash>}, {@code LambdaPredicate<hash>}, ...). Remembering those would only fill the memory; they are
 * never on the application's class path (nothing of ours is precompiled by Drools), so they are answered at once.
 */
public final class ClassPathLookups extends ClassLoader {

    /** Names come from rule text: bounded, so that uploads of odd names cannot grow it without end. */
    static final int MAX_ENTRIES = 50_000;

    /** A generated sub-package, or a class named with a build's hash. */
    private static final Pattern GENERATED = Pattern.compile("(?:.*/)?(?:P[0-9A-F]{2}/.*|P[0-9A-F]{2}\\.class|"
            + "(?:Rules|DomainClassesMetadata|Lambda[A-Za-z]*)[0-9A-F]{32}(?:RuleMethods\\d+)?\\.class)");

    private final Map<String, Optional<URL>> resources = new ConcurrentHashMap<>();

    public ClassPathLookups(ClassLoader parent) {
        super(parent);
    }

    @Override
    public URL getResource(String name) {
        if (GENERATED.matcher(name).matches()) {
            return null;
        }
        Optional<URL> known = resources.get(name);
        if (known == null) {
            known = Optional.ofNullable(getParent().getResource(name));
            if (resources.size() >= MAX_ENTRIES) {
                resources.clear();
            }
            resources.put(name, known);
        }
        return known.orElse(null);
    }

    int remembered() {
        return resources.size();
    }
}
